/* Logging a touch: open the form in place on the agenda, and help with the follow-up.
 *
 * Without this script everything still works: "Log a touch" opens the lead page, the
 * server works out the dates. With it, the form opens inside the agenda's line, a
 * month, a date or "the client asked" is chosen as soon as its field is used, and the
 * two-thirds suggestion shows as the number is typed. */
(function () {
  "use strict";

  var template = document.getElementById("touch-template");
  var lang = document.documentElement.lang || undefined;

  function isoDay(text) {
    var parts = (text || "").split("-").map(Number);
    return new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
  }

  function addMonths(day, months) {
    var result = new Date(day.getTime());
    var wanted = result.getUTCDate();
    result.setUTCDate(1);
    result.setUTCMonth(result.getUTCMonth() + months);
    var last = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
    result.setUTCDate(Math.min(wanted, last));
    return result;
  }

  // The same rule as the server: two thirds of the interval the client named.
  function twoThirds(today, amount, unit) {
    var until = unit === "months" ? addMonths(today, amount)
      : new Date(today.getTime() + amount * (unit === "weeks" ? 7 : 1) * 86400000);
    var days = Math.max(1, Math.floor((until - today) / 86400000 * 2 / 3));
    return new Date(today.getTime() + days * 86400000);
  }

  function showSuggestion(fieldset) {
    var output = fieldset.querySelector(".asked-suggestion");
    var amount = parseInt(fieldset.querySelector('[name="asked_amount"]').value, 10);
    var unit = fieldset.querySelector('[name="asked_unit"]').value;
    if (!output) return;
    if (!output.hasAttribute("data-plain")) output.setAttribute("data-plain", output.textContent);
    if (!(amount > 0 && amount <= 730)) {
      output.textContent = output.getAttribute("data-plain");  // no stale date for a bad number
      return;
    }
    var day = twoThirds(isoDay(fieldset.getAttribute("data-today")), amount, unit);
    var words = day.toLocaleDateString(lang, {
      weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC"
    });
    output.textContent = output.getAttribute("data-text").replace("%(date)s", words);
  }

  function allowKeep(form) {
    var kind = form.querySelector('[name="kind"]:checked');
    var keep = form.querySelector('[name="follow_up"][value="keep"]');
    if (!keep) return;
    keep.disabled = !kind || kind.value !== "note";
    if (keep.disabled && keep.checked) keep.checked = false;
  }

  function wire(form) {
    allowKeep(form);
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind") allowKeep(form);
    });
    form.querySelectorAll(".follow-up .with-input").forEach(function (choice) {
      var radio = choice.querySelector('[type="radio"]');
      choice.querySelectorAll("select, input:not([type='radio'])").forEach(function (input) {
        function pick() { radio.checked = true; }
        // A click or a tap into the field picks its choice; focus passing through it on
        // the way to Save (the Tab key) does not.
        input.addEventListener("pointerdown", pick);
        input.addEventListener("input", pick);
        input.addEventListener("change", pick);
      });
    });
    var fieldset = form.querySelector(".follow-up");
    if (fieldset) {
      fieldset.addEventListener("input", function () { showSuggestion(fieldset); });
      fieldset.addEventListener("change", function () { showSuggestion(fieldset); });
      showSuggestion(fieldset);
    }
  }

  function openInPlace(button) {
    var item = button.closest(".agenda-item");
    var id = item.id.replace("lead-", "");
    var panel = template.content.firstElementChild.cloneNode(true);
    var form = panel.querySelector("form");
    form.action = item.getAttribute("data-touch-url");
    var back = document.createElement("input");
    back.type = "hidden";
    back.name = "return_to";
    back.value = item.getAttribute("data-return-to");
    form.appendChild(back);
    // The next step stays what it was unless the salesperson writes another.
    form.querySelector("[name=next_action_text]").value = item.getAttribute("data-next-step") || "";
    // Give the copy ids of its own, so its labels find their fields.
    panel.querySelectorAll("[id], [for], [aria-describedby]").forEach(function (el) {
      ["id", "for", "aria-describedby"].forEach(function (name) {
        var value = el.getAttribute(name);
        if (value) el.setAttribute(name, value.split("touch-T-").join("touch-" + id + "-"));
      });
    });
    button.replaceWith(panel);
    wire(form);
    // Escape puts the form away, unsaved, and the keyboard back on "Log a touch".
    panel.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      event.preventDefault();
      panel.replaceWith(button);
      button.focus();
    });
    panel.querySelector("textarea").focus();
  }

  if (template) {
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest(".log-touch") : null;
      if (!button) return;
      event.preventDefault();
      openInPlace(button);
    });
  }
  document.querySelectorAll(".touch-form").forEach(function (form) {
    if (!form.closest("template")) wire(form);
  });
  document.body.setAttribute("data-touch-ready", "1");
})();
