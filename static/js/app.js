// Progressive enhancement for the public form. Every feature here also
// works without JavaScript: the country list is plain checkboxes, and "New
// code" posts the form back with everything kept.
(function () {
  "use strict";

  function countryPicker(picker) {
    var tools = picker.querySelector(".picker-tools");
    var filter = picker.querySelector("#destination-filter");
    var summary = picker.querySelector(".picker-selected");
    var boxes = Array.prototype.slice.call(picker.querySelectorAll("input[type=checkbox]"));
    if (!tools || !filter) return;
    tools.hidden = false;

    function showSelected() {
      var names = boxes.filter(function (b) { return b.checked; })
        .map(function (b) { return b.parentNode.textContent.trim(); });
      summary.textContent = names.length ? "Selected (" + names.length + "): " + names.join(", ") : "";
    }
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      picker.querySelectorAll(".picker-region").forEach(function (region) {
        var any = false;
        region.querySelectorAll(".check").forEach(function (label) {
          var match = !q || label.textContent.toLowerCase().indexOf(q) !== -1 ||
            label.querySelector("input").value.toLowerCase() === q;
          label.classList.toggle("is-hidden", !match);
          any = any || match;
        });
        region.classList.toggle("is-hidden", !any);
      });
    });
    // Enter in the filter must not submit the whole form.
    filter.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
    boxes.forEach(function (b) { b.addEventListener("change", showSelected); });
    showSelected();
  }

  function captchaReload(button) {
    button.addEventListener("click", function (e) {
      var form = button.form;
      var img = form.querySelector(".captcha-image");
      var idInput = form.querySelector("input[name=captcha_id]");
      var audio = form.querySelector(".captcha-audio");
      if (!window.fetch || !img || !idInput) return; // fall back to the post
      e.preventDefault();
      fetch("/api/v1/captcha", { method: "POST", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (c) {
          idInput.value = c.captcha_id;
          img.src = "/captcha/" + c.captcha_id + ".png";
          if (audio) audio.href = "/captcha/" + c.captcha_id + ".wav";
          var player = form.querySelector(".captcha-player");
          if (player) player.src = "/captcha/" + c.captcha_id + ".wav";
          var answer = form.querySelector("#captcha_solution");
          if (answer) { answer.value = ""; answer.focus(); }
        })
        .catch(function () { form.requestSubmit ? form.requestSubmit(button) : form.submit(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".country-picker").forEach(countryPicker);
    document.querySelectorAll("[data-captcha-reload]").forEach(captchaReload);
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
