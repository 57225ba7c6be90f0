// A Copy button beside an address or a snippet (the design kit's copy_button): puts the
// field's text on the clipboard and says so; where the browser gives no clipboard (a page
// over plain HTTP), the text is selected and copied the older way.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  if (!field) return;
  const done = () => { button.textContent = button.dataset.done; };
  // The older way; also where the browser refuses the clipboard for a moment (a window
  // that is not in front): the text is then at least selected for Ctrl+C.
  const selectAndCopy = () => {
    field.select();
    if (document.execCommand("copy")) done();
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, selectAndCopy);
  } else {
    selectAndCopy();
  }
});
