/* When the SortableJS CDN cannot be reached, load the copy shipped with Kanban.
 *
 * Runs after the CDN script (both deferred, in order). When window.Sortable is missing,
 * it adds the local copy named by data-local and announces "kanban:sortable-ready"
 * once it has loaded; board.js waits for that event. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (window.Sortable || !script) return;
  var local = document.createElement("script");
  local.src = script.getAttribute("data-local");
  local.addEventListener("load", function () {
    document.dispatchEvent(new CustomEvent("kanban:sortable-ready"));
  });
  document.head.appendChild(local);
})();
