// The embeddable enquiry form. A site adds one line where the form goes:
//
//   <script src="https://desk.example.com/embed.js" data-lang="es" async></script>
//
// and this script puts an <iframe> of the form from iordesk's own origin
// there (the site must be listed in IORDESK_EMBED_ORIGINS, or the browser
// refuses to show it). The frame tells its height through postMessage; a
// message is believed only from the frame itself and from iordesk's
// origin. Nothing here is inline or evaluated, so a host page with a
// strict Content-Security-Policy needs only script-src and frame-src for
// iordesk's origin. The host page's utm_source, utm_medium and
// utm_campaign, and its address, go with the enquiry. The form is in the
// language data-lang names, else in the host page's (<html lang>); the
// frame's title for screen readers is data-title, else English.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.URL || !window.URLSearchParams) return;
  var desk = new URL(script.src).origin;

  var params = new URLSearchParams();
  params.set("origin", location.origin);
  params.set("referrer", location.href);
  var here = new URLSearchParams(location.search);
  ["utm_source", "utm_medium", "utm_campaign"].forEach(function (name) {
    if (here.get(name)) params.set(name, here.get(name));
  });
  // The form's language: data-lang, else the host page's own; one iordesk
  // does not offer leaves the choice to the visitor's browser.
  var lang = script.getAttribute("data-lang") || document.documentElement.lang;
  if (lang) params.set("lang", lang);

  var frame = document.createElement("iframe");
  frame.src = desk + "/embed/enquiry?" + params.toString();
  frame.title = script.getAttribute("data-title") || "Send an enquiry";
  frame.className = "iordesk-form";
  // Set through the style object, which a strict style-src allows.
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = "1400px";
  script.parentNode.insertBefore(frame, script.nextSibling);

  window.addEventListener("message", function (event) {
    if (event.origin !== desk || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== "iordesk:height" || typeof data.height !== "number" || !isFinite(data.height)) return;
    frame.style.height = Math.max(200, Math.min(20000, Math.ceil(data.height))) + "px";
    if (data.scrollTop && frame.scrollIntoView) frame.scrollIntoView({ block: "start" });
  });
})();
