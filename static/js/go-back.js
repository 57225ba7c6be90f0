// An error page answering a form: "Go back to what you typed" goes back in the browser's
// history, where the form still holds what was typed (a link to the form's page would
// open it empty). Shown only when there is history; the plain link stays otherwise.
(() => {
  const back = document.querySelector("[data-history-back]");
  if (!back || window.history.length < 2) return;
  back.hidden = false;
  const fallback = document.querySelector("[data-history-fallback]");
  if (fallback) fallback.hidden = true;
  back.addEventListener("click", (event) => {
    event.preventDefault();
    window.history.back();
  });
})();
