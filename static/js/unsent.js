// A form sent after the session had ended is refused, and the person has to log in again:
// what they had typed must not be lost. As a form is sent, the browser keeps its fields
// for this tab (sessionStorage). The login page that answers a refused form (marked
// data-refused) shows the typed text, and once logged in the page the form was on puts
// every field back in it. Any other page that opens after a form was sent means the form
// was answered (saved, or shown again by its page), and the copy is dropped.
// Never kept: a form with a password field (logging in), hidden fields (the page fills
// those in again, a fresh security token among them), and a field the page marks as a
// new password or a code (autocomplete).
(() => {
  const KEY = "kanban.unsent-form";
  const KEPT_FOR_MS = 24 * 60 * 60 * 1000;
  const NOT_KEPT = new Set(["hidden", "password", "file", "submit", "button", "reset", "image"]);
  const SECRET = new Set(["current-password", "new-password", "one-time-code"]);
  const loginBox = document.querySelector("[data-unsent]");
  const here = location.pathname + location.search;

  const pathOf = (url) => {
    const address = new URL(url || "", location.href);
    return address.pathname + address.search;
  };
  // Read from the markup: a field named "action" or "method" would hide the form's own.
  const isPosted = (form) => (form.getAttribute("method") || "").toLowerCase() === "post";
  const actionOf = (form) => pathOf(form.getAttribute("action"));
  const read = () => {
    try {
      return JSON.parse(sessionStorage.getItem(KEY));
    } catch {
      return null;
    }
  };
  const write = (draft) => {
    try {
      if (draft) sessionStorage.setItem(KEY, JSON.stringify(draft));
      else sessionStorage.removeItem(KEY);
    } catch { /* storage off or full: the form is sent as ever, nothing kept */ }
  };
  const keptFields = (form) => Array.from(form.elements).filter((field) =>
    field.name && !NOT_KEPT.has(field.type) &&
    !SECRET.has((field.getAttribute("autocomplete") || "").trim().toLowerCase()));
  const isTicked = (field) => field.type === "checkbox" || field.type === "radio";
  const isTyped = (field) => field.tagName === "TEXTAREA" ||
    (field.tagName === "INPUT" && !isTicked(field));
  const labelOf = (field) => ((field.labels && field.labels[0] && field.labels[0].textContent) ||
    field.getAttribute("aria-label") || field.name).trim();
  // Fields sharing a name (a radio group, repeated rows) are told apart by their turn.
  const withTurns = (fields, each) => {
    const seen = {};
    fields.forEach((field) => {
      const turn = seen[field.name] = (seen[field.name] || 0) + 1;
      each(field, `${field.name}#${isTicked(field) ? field.value : turn}`);
    });
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!isPosted(form) || form.querySelector("input[type=password]")) return;
    const fields = [];
    withTurns(keptFields(form), (field, key) => {
      if (isTicked(field)) fields.push({ key, checked: field.checked });
      else if (field.multiple) {
        fields.push({ key, values: Array.from(field.selectedOptions, (o) => o.value) });
      } else {
        fields.push({ key, value: field.value, typed: isTyped(field), label: labelOf(field) });
      }
    });
    if (!fields.some((field) => field.typed && field.value.trim())) return;  // nothing typed
    write({ page: here, action: actionOf(form), at: Date.now(), fields, refused: false });
  });

  const showOnLogin = (draft) => {
    const list = loginBox.querySelector(".typed");
    draft.fields.filter((field) => field.typed && field.value.trim()).forEach((field) => {
      const item = document.createElement("li");
      const label = document.createElement("strong");
      label.textContent = field.label;
      item.append(label, `: ${field.value}`);
      list.append(item);
    });
    loginBox.hidden = false;
  };

  const formFor = (action) => {
    const matches = (form) => isPosted(form) && actionOf(form) === action;
    let form = Array.from(document.forms).find(matches);
    // A form the page opens in place (the agenda's "Log a touch"): open it first.
    const opener = !form && Array.from(document.querySelectorAll("[data-opens-form]"))
      .find((element) => pathOf(element.dataset.opensForm) === action);
    if (opener) {
      opener.click();
      form = Array.from(document.forms).find(matches);
    }
    return form;
  };

  const putBack = (form, draft) => {
    const byKey = new Map(draft.fields.map((field) => [field.key, field]));
    let first = null;
    withTurns(keptFields(form), (field, key) => {
      const kept = byKey.get(key);
      if (!kept) return;
      if (isTicked(field)) {
        if (field.checked === kept.checked) return;
        field.checked = kept.checked;
        // As a click would: a page script may enable what the choice allows.
        if (field.checked || field.type === "checkbox") {
          field.dispatchEvent(new Event("change", { bubbles: true }));
        }
      } else if (kept.values) {
        Array.from(field.options).forEach((o) => { o.selected = kept.values.includes(o.value); });
      } else {
        field.value = kept.value;
        if (!first && kept.typed && kept.value.trim()) first = field;
      }
    });
    if (!first) return;
    first.focus();  // the text in sight, the caret at its end, ready to go on typing
    try {
      first.setSelectionRange(first.value.length, first.value.length);
    } catch { /* a field without a caret (a number, a date) */ }
  };

  let draft = read();
  if (draft && !(Date.now() - draft.at < KEPT_FOR_MS)) {
    write(null);
    draft = null;
  }
  if (!draft) return;
  if (loginBox) {
    if (loginBox.hasAttribute("data-refused") && !draft.refused) {
      draft.refused = true;
      write(draft);
    }
    if (draft.refused) showOnLogin(draft);
    else write(null);
    return;
  }
  if (!draft.refused) {
    write(null);  // the form was answered
    return;
  }
  if (draft.page !== here) return;  // logged in, yet elsewhere: kept for its own page
  const form = formFor(draft.action);
  if (!form) return;
  putBack(form, draft);
  write(null);
})();
