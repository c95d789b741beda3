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
  document.addEventListener("change", function (e) {
    var form = e.target && e.target.form;
    if (form && form.hasAttribute("data-autosubmit")) form.submit();
  });
})();
