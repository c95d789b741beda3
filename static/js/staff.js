// Staff pages: small enhancements on top of pages that work without
// JavaScript. htmx (vendored) swaps the filtered list in place.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    // "/" focuses the search, as in most web apps; on an enquiry opened
    // from the list, "j" and "k" go to the next and previous one.
    if (e.key === "/") {
      var q = document.getElementById("q");
      if (q) { e.preventDefault(); q.focus(); q.select(); }
      return;
    }
    var rel = e.key === "j" ? "next" : e.key === "k" ? "prev" : "";
    var link = rel && document.querySelector('.queue-nav a[rel="' + rel + '"]');
    if (link) { e.preventDefault(); window.location.href = link.href; }
  });
  // The staff menu is drawn open so that it works without JavaScript; on a
  // narrow screen it starts closed behind its button.
  var menu = document.querySelector(".staff-menu");
  if (menu && window.matchMedia("(max-width: 760px)").matches) menu.open = false;
  document.addEventListener("change", function (e) {
    var form = e.target && e.target.form;
    if (form && form.hasAttribute("data-autosubmit")) form.submit();
  });
})();
