/* "/" anywhere but in a field puts the cursor in the top bar's search box. */
(function () {
  "use strict";
  var box = document.getElementById("top-q");
  if (!box) { return; }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
