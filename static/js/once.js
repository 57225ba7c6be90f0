// A form that changes something is sent once: on a slow connection people click Save
// twice, and the second click (or Enter) while the first answer is on its way would save
// the same note or lead again. Coming back to the page (the browser's back button), or an
// answer that never replaces the page (a download), lets the form be sent again. The server
// saves a form that creates something once per one-time token all the same
// (kanban/form_tokens.py): this only spares the second send.
(() => {
  const AGAIN_AFTER_MS = 8000;
  const ready = (form) => {
    delete form.dataset.sending;
    form.removeAttribute("aria-busy");
  };
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || form.method !== "post") return;  // a script sends it
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    // Marked once every listener has had its say: a page script may still stop this
    // sending (a question answered No), and then the form is free.
    setTimeout(() => {
      if (event.defaultPrevented) return;
      form.dataset.sending = "1";
      form.setAttribute("aria-busy", "true");
      setTimeout(() => ready(form), AGAIN_AFTER_MS);
    }, 0);
  });
  window.addEventListener("pageshow", () => {
    for (const form of document.querySelectorAll("form[data-sending]")) ready(form);
  });
})();
