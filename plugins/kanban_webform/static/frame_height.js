// The form inside another website's frame tells that page how tall it is, so that the
// frame shows all of it, on a phone too (the frame's embed code listens). Only the height
// is said, to whichever page holds the frame.
(() => {
  if (window.parent === window) return;
  const form = document.body.dataset.form;
  const tell = () => window.parent.postMessage(
    { kanbanForm: form, height: document.documentElement.scrollHeight }, "*");
  window.addEventListener("load", tell);
  if (window.ResizeObserver) new ResizeObserver(tell).observe(document.body);
})();
