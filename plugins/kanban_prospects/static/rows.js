// The list view from the keyboard: ↑/↓ (or k/j) go from row to row, Enter opens one.
(function () {
  "use strict";
  var table = document.getElementById("prospect-rows");
  if (!table) { return; }
  var links = Array.prototype.slice.call(table.querySelectorAll("a.row-link"));
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
    var down = event.key === "ArrowDown" || event.key === "j";
    var up = event.key === "ArrowUp" || event.key === "k";
    if (!down && !up) { return; }
    var index = links.indexOf(document.activeElement);
    var next = index === -1 ? 0 : index + (down ? 1 : -1);
    if (next < 0 || next >= links.length) { return; }
    event.preventDefault();
    links[next].focus();
    links[next].closest("tr").scrollIntoView({block: "nearest"});
  });
}());
