// Progressive enhancement for the public form. Every feature here also
// works without JavaScript: the country list is plain checkboxes (here a
// combobox drives them), and "New code" posts the form back with
// everything kept.
(function () {
  "use strict";

  // fold is text as the destination picker compares it: lower case, accents
  // dropped ("Türkiye" is found by "turk").
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  // rank orders a country for what was typed (folded): its ISO code or an
  // alias exactly, then a name that starts with it, an alias that starts
  // with it, a word of the name that does, and, from three letters on, the
  // name containing it. -1: no match. So "fr" is France before the
  // Central African Republic, and "bra" Brazil before Gibraltar.
  function rank(c, q) {
    if (c.code === q || c.aliases.indexOf(q) !== -1) return 0;
    if (c.name.indexOf(q) === 0) return 1;
    if (c.aliases.some(function (a) { return a.indexOf(q) === 0; })) return 2;
    if (c.words.some(function (w) { return w.indexOf(q) === 0; })) return 3;
    // Chinese or Arabic names are short and their words are not spaced:
    // any part of them matches.
    if ((q.length >= 3 || /[^\u0000-\u024f]/.test(q)) && c.name.indexOf(q) !== -1) return 4;
    return -1;
  }

  // countryPicker turns the destination checkboxes into a multi-select
  // combobox (the WAI-ARIA combobox with a listbox popup): one Tab stop,
  // type and Enter to add, chosen countries shown as removable chips. The
  // checkboxes stay the form's fields, hidden; the picker only ticks them.
  function countryPicker(picker) {
    var combo = picker.querySelector(".combo");
    var input = picker.querySelector(".combo-input");
    var listbox = picker.querySelector(".combo-options");
    var chips = picker.querySelector(".chips");
    var status = picker.querySelector(".combo-status");
    var list = picker.querySelector(".picker-list");
    if (!combo || !input || !listbox || !chips || !list || !"".normalize) return;
    var max = 20;
    var countries = Array.prototype.map.call(picker.querySelectorAll("input[type=checkbox]"), function (box) {
      var label = box.parentNode.textContent.trim();
      var name = fold(label);
      return {
        box: box, label: label, name: name, code: box.value.toLowerCase(),
        words: name.split(/[^\p{L}\p{N}]+/u).filter(Boolean),
        aliases: (box.getAttribute("data-aliases") || "").split("|").filter(Boolean).map(fold)
      };
    });
    var shown = [];   // the countries the listbox offers now
    var active = -1;  // the one of them Enter would add
    // The chips come before the input in reading order: on the left, or on
    // the right in a right-to-left page, where the arrows swap.
    var rtl = document.documentElement.dir === "rtl";
    var towardChips = rtl ? "ArrowRight" : "ArrowLeft", awayFromChips = rtl ? "ArrowLeft" : "ArrowRight";

    // message is one of the page's messages (data-msg-NAME on the picker,
    // in the page's language) with {name}, {n} and {q} filled in.
    function message(key, values) {
      return (combo.getAttribute("data-msg-" + key) || "").replace(/\{(\w+)\}/g, function (all, k) {
        return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : all;
      });
    }

    function chosen() { return countries.filter(function (c) { return c.box.checked; }); }
    function say(text) { status.textContent = text; }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(i) {
      var items = listbox.children;
      if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
      active = i;
      if (i < 0 || !items[i]) { input.removeAttribute("aria-activedescendant"); return; }
      items[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[i].id);
      items[i].scrollIntoView({ block: "nearest" });
    }

    function open() {
      var q = fold(input.value);
      shown = countries.filter(function (c) { return !c.box.checked; })
        .map(function (c) { return { c: c, r: q ? rank(c, q) : 5 }; })
        .filter(function (m) { return m.r >= 0; })
        .sort(function (a, b) { return a.r - b.r || a.c.label.localeCompare(b.c.label); })
        .map(function (m) { return m.c; });
      listbox.textContent = "";
      shown.forEach(function (c) {
        var li = document.createElement("li");
        li.id = "destination-option-" + c.code;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = c.label + " (" + c.code.toUpperCase() + ")";
        li.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep the focus in the input
        li.addEventListener("click", function () { add(c); });
        listbox.appendChild(li);
      });
      if (!shown.length) {
        close();
        if (q) say(message("none", { q: input.value.trim() }));
        return;
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      // What was typed picks the best match at once, so Enter adds it.
      setActive(q ? 0 : -1);
    }

    function add(c) {
      if (chosen().length >= max) {
        say(message("full", { n: max }));
        return;
      }
      c.box.checked = true;
      input.value = "";
      close();
      drawChips();
      say(message("added", { name: c.label, n: chosen().length }));
    }

    function remove(c, focusAfter) {
      c.box.checked = false;
      drawChips();
      say(message("removed", { name: c.label, n: chosen().length }));
      if (focusAfter) focusAfter(); else input.focus();
    }

    function chipButtons() { return Array.prototype.slice.call(chips.querySelectorAll("button")); }

    function drawChips() {
      chips.textContent = "";
      chosen().forEach(function (c) {
        var li = document.createElement("li");
        li.className = "chip";
        var name = document.createElement("span");
        name.textContent = c.label;
        var button = document.createElement("button");
        button.type = "button";
        button.tabIndex = -1; // the picker is one Tab stop; ← and → reach the chips
        button.setAttribute("aria-label", message("remove", { name: c.label }));
        button.textContent = "×";
        button.addEventListener("click", function () { remove(c); });
        button.addEventListener("keydown", function (e) {
          var all = chipButtons(), i = all.indexOf(button);
          if (e.key === towardChips && i > 0) { e.preventDefault(); all[i - 1].focus(); }
          else if (e.key === awayFromChips) { e.preventDefault(); (all[i + 1] || input).focus(); }
          else if (e.key === "Escape") { e.preventDefault(); input.focus(); }
          else if (e.key === "Backspace" || e.key === "Delete") {
            e.preventDefault();
            remove(c, function () { var rest = chipButtons(); (rest[Math.min(i, rest.length - 1)] || input).focus(); });
          }
        });
        li.appendChild(name);
        li.appendChild(button);
        chips.appendChild(li);
      });
      chips.hidden = !chips.children.length;
    }

    // Some input methods send Enter as a key press of its own.
    input.addEventListener("keypress", function (e) { if (e.key === "Enter") e.preventDefault(); });
    input.addEventListener("input", open);
    input.addEventListener("focus", function () { if (input.value) open(); });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (e) {
      var expanded = !listbox.hidden;
      switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!expanded) { open(); setActive(0); } else setActive(Math.min(active + 1, shown.length - 1));
        break;
      case "ArrowUp":
        e.preventDefault();
        if (expanded) setActive(Math.max(active - 1, 0));
        break;
      case "Enter":
        // Enter chooses; it never submits the whole form from here.
        e.preventDefault();
        if (expanded && active >= 0) add(shown[active]);
        break;
      case "Escape":
        if (expanded) { e.preventDefault(); close(); } else if (input.value) { e.preventDefault(); input.value = ""; }
        break;
      case "Backspace":
        if (!input.value && chosen().length) { e.preventDefault(); var all = chosen(); remove(all[all.length - 1]); }
        break;
      case towardChips:
        if (input.selectionStart === 0 && input.selectionEnd === 0 && chips.children.length) {
          e.preventDefault();
          var buttons = chipButtons();
          buttons[buttons.length - 1].focus();
        }
        break;
      }
    });

    list.hidden = true;
    combo.hidden = false;
    drawChips();
  }

  // enterSends makes Enter in a field send the enquiry. The browser would
  // press the form's first submit button, which is "New code" (it comes
  // first so that it works without JavaScript too).
  function enterSends(form) {
    var send = form.querySelector("[data-send]");
    if (!send) return;
    function onEnter(e) {
      if (e.key !== "Enter" || e.defaultPrevented || e.target.tagName !== "INPUT" || e.target.type === "checkbox" || e.target.type === "radio") return;
      e.preventDefault();
      if (e.type === "keydown") form.requestSubmit ? form.requestSubmit(send) : send.click();
    }
    form.addEventListener("keydown", onEnter);
    form.addEventListener("keypress", onEnter);
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
          var old = idInput.value;
          idInput.value = c.captcha_id;
          img.src = "/captcha/" + c.captcha_id + ".png";
          // The clip keeps its voice (?voice=): only the id changes.
          if (audio) audio.href = audio.getAttribute("href").replace(old, c.captcha_id);
          var player = form.querySelector(".captcha-player");
          if (player) player.src = player.getAttribute("src").replace(old, c.captcha_id);
          var answer = form.querySelector("#captcha_solution");
          if (answer) { answer.value = ""; answer.focus(); }
        })
        .catch(function () { form.requestSubmit ? form.requestSubmit(button) : form.submit(); });
    });
  }

  // keepTracking makes the language switcher carry the form's tracking
  // values (the landing page's UTM tags and referrer) to the page in the
  // chosen language, which would otherwise have only its own address as
  // referrer. The links are the same for every visitor (the page is cached
  // whole), so they are completed here.
  function keepTracking(form) {
    var names = ["utm_source", "utm_medium", "utm_campaign", "referrer"];
    document.querySelectorAll("[data-switch-language]").forEach(function (a) {
      var url = new URL(a.getAttribute("href"), window.location.href);
      names.forEach(function (n) {
        var field = form.querySelector("input[name=" + n + "]");
        if (field && field.value) url.searchParams.set(n, field.value);
      });
      a.setAttribute("href", url.pathname + url.search);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".country-picker").forEach(countryPicker);
    document.querySelectorAll("[data-captcha-reload]").forEach(captchaReload);
    document.querySelectorAll(".enquiry-form").forEach(enterSends);
    var form = document.getElementById("enquiry-form");
    if (form && window.URL) keepTracking(form);
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
