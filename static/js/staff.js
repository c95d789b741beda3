// Staff pages: small enhancements on top of pages that work without
// JavaScript. htmx (vendored) swaps the filtered list in place.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    // "/" focuses the search, as in most web apps.
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var q = document.getElementById("q");
    if (q) { e.preventDefault(); q.focus(); q.select(); }
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
