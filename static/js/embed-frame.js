// The form's side of the embed (see embed.js): it tells the page that
// frames it its height, whenever that changes, and only to the origin
// iordesk checked against IORDESK_EMBED_ORIGINS (data-host-origin), so no
// other page learns anything from it.
(function () {
  "use strict";
  var main = document.querySelector("main[data-host-origin]");
  if (!main || window.parent === window) return;
  var host = main.getAttribute("data-host-origin");
  var last = -1;
  var scrollTop = main.hasAttribute("data-scroll-top");

  function tell() {
    // The content's own height: the document's scrollHeight would never
    // be less than the frame's current height, so the frame could not
    // shrink.
    var height = Math.ceil(main.getBoundingClientRect().bottom + window.pageYOffset);
    if (height === last && !scrollTop) return;
    last = height;
    window.parent.postMessage({ type: "iordesk:height", height: height, scrollTop: scrollTop }, host);
    scrollTop = false;
  }

  tell();
  if (window.ResizeObserver) {
    new ResizeObserver(tell).observe(main);
  } else {
    window.addEventListener("resize", tell);
  }
})();
