/* The board: drag and drop (SortableJS), keyboard moves, won/lost zones, load more.
 *
 * Every move is shown at once and then confirmed by the server; when the server
 * refuses, the card goes back where it was and the person reads why. */
(function () {
  "use strict";

  var board = document.getElementById("board");
  var stringsEl = document.getElementById("board-strings");
  var filterForm = document.querySelector("form.filters");
  var filterPanel = document.getElementById("filter-panel");
  // On a phone the filters fold away unless some are set, to leave room for the cards.
  if (filterPanel && !document.querySelector("[data-filtered]") &&
      window.matchMedia && window.matchMedia("(max-width: 640px)").matches) {
    filterPanel.open = false;
  }
  if (filterForm) {
    // Leave empty filters out of the URL, so a bookmarked board reads cleanly.
    filterForm.addEventListener("submit", function () {
      Array.prototype.forEach.call(filterForm.elements, function (el) {
        if (el.name && (el.value === "" || (el.name === "status" && el.value === "open"))) {
          el.disabled = true;
        }
      });
    });
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(filterForm.elements, function (el) { el.disabled = false; });
    });
  }
  if (!board || !stringsEl) return;

  var S = JSON.parse(stringsEl.textContent);
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var toastEl = document.getElementById("board-toast");
  var liveEl = document.getElementById("board-live");
  var zonesEl = document.getElementById("dropzones");
  var dialog = document.getElementById("lost-dialog");
  var movable = board.hasAttribute("data-movable");
  var filtered = board.hasAttribute("data-filtered");
  // Sorted by priority, date or value, the order in a column is not the one people
  // arranged: cards change stage, but are not placed between others.
  var sorted = board.hasAttribute("data-sorted");
  var query = board.getAttribute("data-query") || "";
  // The server gives the URLs (with 999999999 for an id), so the board works wherever
  // the app is mounted (a URL prefix behind a proxy).
  function urlFor(name, id) {
    var url = board.getAttribute("data-" + name + "-url");
    return id === undefined ? url : url.replace("999999999", String(id));
  }
  var toastTimer = null;
  var pointerMove = null; // the move a pointer drag is making
  var keyMove = null; // the move the keyboard is making
  var ownMoves = {}; // lead id -> the version this page's own move gave it

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  var announceTimer = null;

  function announce(text) {
    window.clearTimeout(announceTimer); // a later word replaces one still on its way
    liveEl.textContent = "";
    announceTimer = window.setTimeout(function () { liveEl.textContent = text; }, 30);
  }

  // ``told``: the live region says it already, so the toast shows it without saying it again.
  function toast(text, tone, told) {
    toastEl.setAttribute("aria-live", told ? "off" : "polite");
    toastEl.textContent = text;
    toastEl.setAttribute("data-tone", tone || "info");
    toastEl.classList.add("is-shown");
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () {
      toastEl.classList.remove("is-shown");
    }, tone === "error" ? 10000 : 4000);
  }

  // A move that was not saved: the card is back, and why is said where the move was
  // being told, in place of the place it was given (and shown in the toast).
  function refuseMove(text) {
    announce(text);
    toast(text, "error", true);
  }

  function titleOf(card) {
    var link = card.querySelector(".card-title");
    return link ? link.textContent.trim() : "#" + card.getAttribute("data-id");
  }

  function stageName(list) {
    var column = list.closest(".column");
    if (column) return column.querySelector("h2").textContent.trim();
    return list.getAttribute("aria-label") || "";
  }

  function cardsIn(list) {
    return Array.prototype.filter.call(list.children, function (el) {
      return el.classList.contains("card");
    });
  }

  function sibling(card, direction) {
    var el = direction < 0 ? card.previousElementSibling : card.nextElementSibling;
    while (el && !el.classList.contains("card")) {
      el = direction < 0 ? el.previousElementSibling : el.nextElementSibling;
    }
    return el;
  }

  function withQuery(path, extra) {
    var params = new URLSearchParams(query);
    Object.keys(extra || {}).forEach(function (key) { params.set(key, extra[key]); });
    var text = params.toString();
    return text ? path + "?" + text : path;
  }

  function send(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrf
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  }

  function readError(response) {
    return response.json().then(function (data) {
      return (data && data.error) || { message: S.failed };
    }, function () {
      return { message: S.failed };
    });
  }

  /* ---- Remember where a card was, put it back ---------------------------------- */

  function remember(card) {
    return { card: card, list: card.parentElement, next: card.nextElementSibling };
  }

  function neighbourOf(move) {
    var next = move.next && move.next.parentElement === move.list ? move.next : null;
    var left = cardsIn(move.list).filter(function (other) { return other !== move.card; });
    var column = move.list.closest && move.list.closest(".column");
    return next || left[left.length - 1] ||
      (column ? column.querySelector("a[href], button") : null);
  }

  function putBack(move) {
    var next = move.next && move.next.parentElement === move.list ? move.next : null;
    move.list.insertBefore(move.card, next);
  }

  function isZone(list) {
    return list.classList.contains("zone-list");
  }

  /* ---- Column counts and totals -------------------------------------------------- */

  // A column's count, written with its digits grouped as the page's language groups them.
  var counting = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function setCount(count, value) {
    count.setAttribute("data-count", String(value));
    count.textContent = counting.format(value);
  }

  function bumpCount(list, delta) {
    var column = list.closest && list.closest(".column");
    if (!column) return;
    var count = column.querySelector(".count");
    setCount(count, Math.max(0, (parseInt(count.getAttribute("data-count"), 10) || 0) + delta));
  }

  function refreshTotals() {
    return fetch(withQuery(urlFor("totals")), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        board.querySelectorAll(".column").forEach(function (column) {
          var stats = data.columns[column.getAttribute("data-stage-id")];
          setCount(column.querySelector(".count"), stats ? stats.count : 0);
          column.querySelector(".sum").textContent = stats ? stats.total : data.empty_total;
          var weighted = column.querySelector(".weighted-sum");
          if (weighted) weighted.textContent = stats ? stats.weighted : data.empty_total;
        });
      })
      .catch(function () { /* the counts stay as they are until the next reload */ });
  }

  /* ---- Loading cards -------------------------------------------------------------- */

  function addCards(list, html, replace) {
    var template = document.createElement("template");
    template.innerHTML = html;
    // A column shown again (a colleague's change) keeps the keyboard's place in it.
    var focused = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest(".card");
    var focusedId = focused && list.contains(focused) ? focused.getAttribute("data-id") : null;
    if (replace) list.textContent = "";
    Array.prototype.forEach.call(template.content.querySelectorAll(".card"), function (card) {
      // A card moved here after the page loaded may come again in a later page.
      var existing = board.querySelector('.card[data-id="' + card.getAttribute("data-id") + '"]');
      if (existing && !replace) return;
      if (existing) existing.remove();
      list.appendChild(card);
    });
    var again = focusedId && list.querySelector('.card[data-id="' + focusedId + '"]');
    if (again) again.focus();
  }

  function setNext(column, after) {
    var button = column.querySelector(".load-more");
    if (!after) {
      if (button) button.remove();
      return;
    }
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "load-more";
      button.textContent = S.load_more || "Load more";
      column.querySelector(".column-body").appendChild(button);
      watch(button);
    }
    button.setAttribute("data-after", after);
  }

  function loadCards(column, after) {
    var stageId = column.getAttribute("data-stage-id");
    var extra = after ? { after: after } : {};
    return fetch(withQuery(urlFor("cards", stageId), extra), {
      credentials: "same-origin",
      headers: { "Accept": "text/html" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      var next = response.headers.get("X-Next-After") || "";
      return response.text().then(function (html) {
        addCards(column.querySelector(".cards"), html, !after);
        setNext(column, next);
      });
    });
  }

  function loadMore(button) {
    if (button.getAttribute("aria-busy") === "true") return;
    button.setAttribute("aria-busy", "true");
    var label = button.innerHTML;
    button.textContent = S.loading;
    loadCards(button.closest(".column"), button.getAttribute("data-after"))
      .catch(function () { toast(S.load_failed, "error"); })
      .then(function () {
        button.removeAttribute("aria-busy");
        button.innerHTML = label;
      });
  }

  var observer = "IntersectionObserver" in window
    ? new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && entry.target.isConnected) loadMore(entry.target);
      });
    }, { rootMargin: "0px 0px 200px 0px" })
    : null;

  function watch(button) {
    if (observer) observer.observe(button);
  }

  board.querySelectorAll(".load-more").forEach(watch);
  board.addEventListener("click", function (event) {
    var button = event.target.closest(".load-more");
    if (button) loadMore(button);
  });

  function reloadColumn(list) {
    var column = list.closest(".column");
    if (column) return loadCards(column, "").catch(function () { toast(S.load_failed, "error"); });
    return Promise.resolve();
  }

  /* ---- Saving a move ---------------------------------------------------------------- */

  function neighbours(card) {
    if (sorted) return {};
    var above = sibling(card, -1);
    var below = sibling(card, 1);
    var column = card.closest(".column");
    var complete = !filtered && column && !column.querySelector(".load-more");
    var body = {};
    if (above) body.after_id = Number(above.getAttribute("data-id"));
    if (below && (complete || !above)) body.before_id = Number(below.getAttribute("data-id"));
    return body;
  }

  function saveMove(move) {
    var card = move.card;
    var list = card.parentElement;
    if (list === move.list && (sorted || card.nextElementSibling === move.next)) {
      if (sorted) putBack(move);
      return;
    }
    if (isZone(list)) return closeLead(move, list.getAttribute("data-status"));
    var body = neighbours(card);
    body.stage_id = Number(list.getAttribute("data-stage-id"));
    body.version = Number(card.getAttribute("data-version"));
    if (list !== move.list) {
      bumpCount(move.list, -1);
      bumpCount(list, 1);
    }
    card.classList.add("is-saving");
    card.setAttribute("aria-busy", "true");
    send("POST", urlFor("move", card.getAttribute("data-id")), body)
      .then(function (response) {
        if (response.ok) {
          return response.json().then(function (lead) {
            card.setAttribute("data-version", String(lead.version));
            ownMoves[lead.id] = lead.version;
            announce(fmt(S.dropped, { title: titleOf(card), stage: stageName(list) }));
            if (sorted) reloadColumn(list); // the card takes its place in the sorted order
          });
        }
        return readError(response).then(function (error) {
          putBack(move);
          if (response.status === 409) { // the server says what changed: the board shows it
            refuseMove(error.message || S.conflict);
            var gone = error.fields && error.fields.stage_id && list.closest(".column");
            if (gone && move.list !== list) gone.remove(); // its stage was deleted meanwhile
            else reloadColumn(list);
            if (move.list !== list) reloadColumn(move.list);
          } else {
            refuseMove(fmt(S.refused, { message: error.message }));
          }
        });
      }, function () {
        putBack(move);
        refuseMove(S.network);
      })
      .then(function () {
        card.classList.remove("is-saving");
        card.removeAttribute("aria-busy");
        refreshTotals();
      });
  }

  /* ---- Won and lost ------------------------------------------------------------------ */

  function askLostReason(card) {
    return new Promise(function (resolve) {
      var form = dialog.querySelector("form");
      var error = dialog.querySelector("#lost-error");
      form.reset();
      error.textContent = "";
      dialog.querySelector(".lost-lead").textContent = titleOf(card);
      function finish(reason) {
        form.removeEventListener("submit", onSubmit);
        dialog.removeEventListener("cancel", onCancel);
        cancel.removeEventListener("click", onCancel);
        if (dialog.open) dialog.close();
        resolve(reason);
      }
      function onSubmit(event) {
        event.preventDefault();
        var chosen = form.querySelector('input[name="reason"]:checked');
        var other = form.elements.other.value.trim();
        var reason = chosen && chosen.value ? chosen.value : other;
        if (chosen && chosen.value && other) reason = chosen.value + ": " + other;
        if (!reason) {
          error.textContent = S.reason_needed;
          return;
        }
        finish(reason.slice(0, 255));
      }
      function onCancel(event) {
        event.preventDefault();
        finish(null);
      }
      var cancel = dialog.querySelector("button.cancel");
      form.addEventListener("submit", onSubmit);
      dialog.addEventListener("cancel", onCancel);
      cancel.addEventListener("click", onCancel);
      dialog.showModal();
    });
  }

  function closeLead(move, status) {
    var card = move.card;
    var ask = status === "lost" ? askLostReason(card) : Promise.resolve("");
    return ask.then(function (reason) {
      if (reason === null) {
        putBack(move);
        announce(fmt(S.cancelled, { title: titleOf(card) }));
        card.focus();
        return;
      }
      bumpCount(move.list, -1);
      return send("POST", urlFor("close", card.getAttribute("data-id")), {
        status: status,
        lost_reason: reason,
        version: Number(card.getAttribute("data-version"))
      }).then(function (response) {
        if (response.ok) {
          var near = neighbourOf(move);
          card.remove();
          // Focus lost with the card (the keyboard, or the lost reason's dialog) goes to
          // its neighbour in the column, not back to the top of the page.
          if (near && (!document.activeElement || document.activeElement === document.body)) {
            near.focus();
          }
          toast(fmt(status === "won" ? S.closed_won : S.closed_lost, { title: titleOf(card) }));
          return;
        }
        return readError(response).then(function (error) {
          putBack(move);
          refuseMove(fmt(S.refused, { message: error.message }));
          if (response.status === 409) reloadColumn(move.list);
        });
      }, function () {
        putBack(move);
        refuseMove(S.network);
      }).then(refreshTotals);
    });
  }

  function showZones(on) {
    if (zonesEl) zonesEl.hidden = !on;
    document.body.classList.toggle("is-dragging", on);
  }

  /* ---- Pointer: SortableJS ------------------------------------------------------------ */

  function startSortable() {
    if (!movable || !window.Sortable) return;
    var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    var options = {
      group: "board",
      sort: !sorted,
      draggable: ".card",
      filter: ".is-closed, .is-saving",
      preventOnFilter: false,
      // On touch screens only the grip starts a drag, so a finger can scroll the board.
      handle: coarse ? ".grip" : null,
      forceFallback: true,
      fallbackOnBody: true,
      fallbackTolerance: 4,
      animation: 150,
      scroll: true,
      bubbleScroll: true,
      ghostClass: "is-ghost",
      chosenClass: "is-chosen",
      dragClass: "is-dragged",
      onChoose: function (event) {
        if (!keyMove) pointerMove = remember(event.item);
      },
      // Column snapping would pull the board back from every step of its edge scroll.
      onStart: function () { showZones(true); board.classList.add("is-dragging"); },
      onEnd: function () {
        showZones(false);
        board.classList.remove("is-dragging");
        var move = pointerMove;
        pointerMove = null;
        if (move) saveMove(move);
      }
    };
    board.querySelectorAll(".cards").forEach(function (list) {
      window.Sortable.create(list, options);
    });
    if (zonesEl) {
      zonesEl.querySelectorAll(".zone-list").forEach(function (list) {
        window.Sortable.create(list, {
          group: { name: "board", pull: false, put: true },
          sort: false,
          forceFallback: true,
          emptyInsertThreshold: 40,
          ghostClass: "is-ghost"
        });
      });
    }
  }

  /* ---- Keyboard ------------------------------------------------------------------------ */

  function targets() {
    var lists = Array.prototype.slice.call(board.querySelectorAll(".cards"));
    if (zonesEl) lists = lists.concat(Array.prototype.slice.call(zonesEl.querySelectorAll(".zone-list")));
    return lists;
  }

  function describePlace(card) {
    var list = card.parentElement;
    if (isZone(list)) return fmt(S.zone, { zone: list.getAttribute("aria-label") });
    var cards = cardsIn(list);
    return fmt(S.position, {
      stage: stageName(list),
      position: cards.indexOf(card) + 1,
      count: cards.length
    });
  }

  function placeCard(card, list, before) {
    list.insertBefore(card, before || null);
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest", inline: "nearest" });
    announce(describePlace(card));
  }

  function pickUp(card) {
    keyMove = remember(card);
    card.classList.add("is-picked");
    showZones(true);
    announce(fmt(S.picked, { title: titleOf(card) }));
  }

  function endKeyMove() {
    var move = keyMove;
    keyMove = null;
    move.card.classList.remove("is-picked");
    showZones(false);
    return move;
  }

  document.addEventListener("keydown", function (event) {
    var card = event.target.closest ? event.target.closest(".card") : null;
    if (!keyMove) {
      if (!movable || !card || event.target !== card || card.matches(".is-closed, .is-saving")) return;
      if (event.key === " " || event.key === "Enter") {
        event.preventDefault();
        pickUp(card);
      }
      return;
    }
    var moving = keyMove.card;
    var list = moving.parentElement;
    var all = targets();
    var index = all.indexOf(list);
    switch (event.key) {
      case "ArrowUp": {
        if (sorted) break;
        var above = sibling(moving, -1);
        if (above) placeCard(moving, list, above);
        break;
      }
      case "ArrowDown": {
        if (sorted) break;
        var below = sibling(moving, 1);
        if (below) placeCard(moving, list, sibling(below, 1) || below.nextElementSibling);
        break;
      }
      case "ArrowLeft":
      case "ArrowRight": {
        var target = all[index + (event.key === "ArrowLeft" ? -1 : 1)];
        if (!target) break;
        var position = isZone(list) ? 0 : cardsIn(list).indexOf(moving);
        var there = cardsIn(target);
        placeCard(moving, target, there[Math.min(position, there.length)] || null);
        break;
      }
      case "Enter":
      case " ":
        saveMove(endKeyMove());
        break;
      case "Escape": {
        var move = endKeyMove();
        putBack(move);
        move.card.focus();
        announce(fmt(S.cancelled, { title: titleOf(move.card) }));
        break;
      }
      case "Tab":
        break; // the card stays picked up; Tab is blocked below so focus stays on it
      default:
        return;
    }
    event.preventDefault();
  });

  // What the live board (live.js) needs: whether a person is moving a card now, and
  // how to show a column and the totals as the server has them.
  window.kanbanBoard = {
    busy: function () {
      return Boolean(pointerMove || keyMove || board.querySelector(".is-saving") ||
                     (dialog && dialog.open));
    },
    ownMove: function (leadId, version) { return ownMoves[leadId] === version; },
    reloadStage: function (stageId) {
      var list = board.querySelector('.cards[data-stage-id="' + stageId + '"]');
      return list ? reloadColumn(list) : Promise.resolve();
    },
    refreshTotals: refreshTotals
  };

  if (window.Sortable) {
    startSortable();
  } else {
    document.addEventListener("kanban:sortable-ready", startSortable, { once: true });
  }
  document.body.setAttribute("data-board-ready", "1");
})();
