/* SortableJS for the pages that drag: from the configured address (a CDN), or the copy
 * shipped with Kanban when that address fails or does not answer within WAIT_MS.
 *
 * The CDN script is added from here, not as a deferred tag of the page: a deferred tag
 * that hangs (a firewall dropping packets) holds every script after it, and so the board's
 * keyboard moves, until the browser gives up some 30 s later. Added here it holds nothing.
 *
 * Whichever copy arrives first is the one the page uses, announced with
 * "kanban:sortable-ready" (board.js and stage_order.js wait for it when window.Sortable is
 * missing). A copy arriving later runs, as a script that has started cannot be stopped,
 * but window.Sortable is set back to the first: each copy knows only the lists it made
 * sortable. The local copy is asked for at most once. */
(function () {
  "use strict";

  var WAIT_MS = 3000;
  var script = document.currentScript;
  if (window.Sortable || !script) return;

  var chosen = null;
  var localAsked = false;
  var timer = null;

  function arrived() {
    if (chosen) {
      window.Sortable = chosen;  // a late copy: keep the one in use
      return;
    }
    if (!window.Sortable) {
      askLocal();
      return;
    }
    chosen = window.Sortable;
    clearTimeout(timer);
    document.dispatchEvent(new CustomEvent("kanban:sortable-ready"));
  }

  function askLocal() {
    if (localAsked || chosen) return;
    localAsked = true;
    clearTimeout(timer);
    var local = document.createElement("script");
    local.src = script.getAttribute("data-local");
    local.addEventListener("load", arrived);
    document.head.appendChild(local);
  }

  var cdn = document.createElement("script");
  cdn.src = script.getAttribute("data-src");
  cdn.crossOrigin = "anonymous";
  if (script.getAttribute("data-integrity")) cdn.integrity = script.getAttribute("data-integrity");
  cdn.addEventListener("load", arrived);
  cdn.addEventListener("error", askLocal);
  timer = setTimeout(askLocal, WAIT_MS);
  document.head.appendChild(cdn);
})();
