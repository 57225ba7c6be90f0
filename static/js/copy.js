// A Copy button beside an address or a snippet (the design kit's copy_button): puts the
// field's text on the clipboard and says so; where the browser gives no clipboard (a page
// over plain HTTP), the text is selected and copied the older way.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  if (!field) return;
  const done = () => { button.textContent = button.dataset.done; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => { field.select(); });
  } else {
    field.select();
    document.execCommand("copy");
    done();
  }
});
