/* The live board: other people's moves, new cards, edits and closes appear without a
 * reload. Events come from the server as a stream (server-sent events), or by asking
 * every few seconds where the browser has no stream. Columns are shown again as the
 * server has them (with the board's filters), never while a card is being moved here. */
(function () {
  "use strict";

  var board = document.getElementById("board");
  if (!board || !board.getAttribute("data-events-url")) return;
  var pipelineId = board.getAttribute("data-pipeline-id");
  var after = board.getAttribute("data-events-after") || "0";
  var pending = {}; // stage id -> true: columns to show again
  var timer = null;
  var POLL_MS = 5000;
  var RETRY_MS = [2000, 5000, 15000, 30000]; // a refused stream tried again, slower each time
  var refusals = 0;

  function note(event) {
    after = String(event.id);
    // Whatever its pipeline, a change may have told this person something (the bell).
    document.dispatchEvent(new CustomEvent("kanban:lead-event", { detail: event }));
    if (String(event.pipeline_id) !== pipelineId) return;
    var shown = window.kanbanBoard;
    if (event.kind === "moved" && shown && shown.ownMove(event.lead_id, event.payload.version)) {
      return; // this page made the move: the card is already there
    }
    if (event.stage_id) pending[event.stage_id] = true;
    if (event.payload && event.payload.from_stage_id) pending[event.payload.from_stage_id] = true;
    var card = board.querySelector('.card[data-id="' + event.lead_id + '"]');
    var list = card && card.closest(".cards");
    if (list) pending[list.getAttribute("data-stage-id")] = true;
    schedule(200);
  }

  function schedule(delay) {
    if (!timer) timer = window.setTimeout(apply, delay);
  }

  function apply() {
    timer = null;
    var shown = window.kanbanBoard;
    if (!shown) return schedule(500);
    if (shown.busy()) return schedule(500); // never under a drag: after the drop
    var stages = Object.keys(pending);
    pending = {};
    if (!stages.length) return;
    Promise.all(stages.map(shown.reloadStage)).then(shown.refreshTotals);
  }

  function listen() {
    var url = board.getAttribute("data-events-url") + "?pipeline=" + encodeURIComponent(pipelineId) +
      "&after=" + encodeURIComponent(after);
    // The browser reconnects by itself and says the last event it had (Last-Event-ID).
    var source = new EventSource(url, { withCredentials: true });
    source.onopen = function () { refusals = 0; };
    source.onmessage = function (message) { note(JSON.parse(message.data)); };
    source.onerror = function () {
      if (source.readyState !== EventSource.CLOSED) return; // the browser tries again itself
      // An answer other than a stream (the database out of reach: 503) ends it for good in
      // the browser: open a new one a little later, from the last event this page had.
      source.close();
      document.body.setAttribute("data-live", "waiting");
      window.setTimeout(listen, RETRY_MS[Math.min(refusals++, RETRY_MS.length - 1)]);
    };
    document.body.setAttribute("data-live", "stream");
  }

  function poll() {
    fetch(board.getAttribute("data-events-poll-url") + "?after=" + encodeURIComponent(after), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (page) {
        if (page) {
          page.events.forEach(note);
          after = String(page.last_id);
        }
      })
      .catch(function () { /* asked again at the next turn */ })
      .then(function () { window.setTimeout(poll, POLL_MS); });
    document.body.setAttribute("data-live", "poll");
  }

  if (window.EventSource && !board.hasAttribute("data-live-poll")) listen(); else poll();
})();
