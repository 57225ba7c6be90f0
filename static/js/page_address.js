// A form that was refused is shown again in the answer to its POST, at the form's own
// address. The page takes its own address back, so a reload opens the page (without
// sending the form again, and without "405 Method Not Allowed").
(() => {
  const address = document.body.dataset.pageAddress;
  if (address) history.replaceState(history.state, "", address);
})();
