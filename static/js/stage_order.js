/* The pipelines admin page: stages reordered by dragging their handle (SortableJS).
 *
 * The move buttons stay the keyboard's way. A drop sends the new order of the whole
 * pipeline; the page then reloads with the server's order and its message. When the
 * server refuses, the stages go back to where they were and the reason is read out. */
(function () {
  "use strict";

  var stringsEl = document.getElementById("stage-order-strings");
  var liveEl = document.getElementById("stage-order-live");
  if (!stringsEl) return;
  var S = JSON.parse(stringsEl.textContent);
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function say(text) {
    if (liveEl) liveEl.textContent = text;
  }

  function ids(list) {
    return Array.prototype.map.call(list.querySelectorAll(":scope > .stage-admin"), function (item) {
      return parseInt(item.getAttribute("data-stage-id"), 10);
    });
  }

  function putBack(list, order) {
    order.forEach(function (id) {
      var item = list.querySelector(':scope > .stage-admin[data-stage-id="' + id + '"]');
      if (item) list.appendChild(item);
    });
  }

  function send(list, before) {
    list.setAttribute("aria-busy", "true");
    fetch(list.getAttribute("data-order-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ stage_ids: ids(list) })
    })
      .then(function (response) {
        if (response.ok) {
          window.location.reload();
          return null;
        }
        return response.json().then(function (data) {
          var message = (data && data.error && data.error.message) || "";
          throw new Error(S.failed.replace("%(message)s", message));
        }, function () { throw new Error(S.failed.replace("%(message)s", String(response.status))); });
      })
      .catch(function (error) {
        putBack(list, before);
        list.removeAttribute("aria-busy");
        say(error instanceof TypeError ? S.network : error.message);
        list.dispatchEvent(new CustomEvent("kanban:stage-order-refused", { bubbles: true }));
      });
  }

  var started = false;

  function start() {
    if (started || !window.Sortable) return;
    started = true;
    document.querySelectorAll(".stages-admin[data-order-url]").forEach(function (list) {
      var before = null;
      window.Sortable.create(list, {
        handle: ".stage-grip",
        draggable: ".stage-admin",
        // The same drag with a mouse, a pen or a finger (no native drag and drop).
        forceFallback: true,
        fallbackTolerance: 4,
        animation: 150,
        ghostClass: "is-ghost",
        onStart: function () { before = ids(list); },
        onEnd: function (event) {
          if (event.oldIndex === event.newIndex) return;
          send(list, before);
        }
      });
    });
    document.body.dataset.stagesReady = "1";
  }

  if (window.Sortable) {
    start();
  } else {
    document.addEventListener("kanban:sortable-ready", start, { once: true });
    window.addEventListener("load", start, { once: true });
  }
})();
