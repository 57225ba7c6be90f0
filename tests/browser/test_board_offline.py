"""Dragging works when the SortableJS CDN cannot be reached, or does not answer: the shipped
copy takes over."""

from __future__ import annotations

from kanban.config import DefaultConfig
from tests.browser.conftest import card, column_titles, db_order, drag_to, log_in, settled
from tests.live import ASSETS

CDN = DefaultConfig.SORTABLE_JS_URL
SORTABLE_BOUND = (
    "() => !!window.Sortable && "
    "Array.from(document.querySelectorAll('.cards')).every(list => window.Sortable.get(list))"
)


# The loader waits 3 s for the CDN; a browser alone waits about 30 s for a silent server.
A_FEW_SECONDS = 8_000
LOCAL_COPY = "/static/vendor/sortablejs/Sortable.min.js"
# Counts the SortableJS copies that ran (each sets window.Sortable).
COUNT_COPIES = """
(() => {
  const copies = new Set();
  let current;
  Object.defineProperty(window, "Sortable", {
    configurable: true,
    get: () => current,
    set: (value) => { copies.add(value); current = value; },
  });
  window.sortableCopies = () => copies.size;
})();
"""


def never_answer(page, url: str) -> list:
    """Leave requests for ``url`` unanswered, as a firewall that drops packets does; the
    held requests are returned so a test can answer them late."""
    held: list = []
    page.route(url, lambda route: held.append(route))
    return held


def open_board_without_waiting(page, email: str) -> None:
    """Open the board without waiting for its load event, which a pending script holds."""
    log_in(page, email, open_board=False)
    page.goto("/board", wait_until="commit")


def watch_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def test_card_is_dragged_and_saved_with_the_cdn_unreachable(app, page, seller, sales):
    app.config["SORTABLE_JS_URL"] = CDN
    app.config["SORTABLE_JS_INTEGRITY"] = DefaultConfig.SORTABLE_JS_INTEGRITY
    page.route(CDN, lambda route: route.abort("internetdisconnected"))
    requests = watch_requests(page)

    log_in(page, seller.email)
    page.wait_for_function(SORTABLE_BOUND)
    drag_to(page, card(page, "Bravo"), card(page, "Delta"), "below")
    settled(page)

    assert CDN in requests
    assert any(url.endswith(LOCAL_COPY) for url in requests)
    assert column_titles(page, "Contacted") == ["Delta", "Bravo", "Echo"]
    assert db_order(sales.stages[1].id) == ["Delta", "Bravo", "Echo"]


def test_local_only_setting_never_asks_the_cdn_and_still_drags(app, page, seller, sales):
    app.config["SORTABLE_JS_URL"] = CDN
    app.config["SORTABLE_JS_LOCAL"] = True
    page.route("**/*", lambda route: route.abort()
               if "127.0.0.1" not in route.request.url else route.continue_())
    requests = watch_requests(page)

    log_in(page, seller.email)
    page.wait_for_function(SORTABLE_BOUND)
    drag_to(page, card(page, "Bravo"), card(page, "Delta"), "below")
    settled(page)

    assert all(url.startswith("http://127.0.0.1:") for url in requests)
    assert "jsdelivr" not in page.content()
    assert db_order(sales.stages[1].id) == ["Delta", "Bravo", "Echo"]


def test_cards_move_by_keyboard_at_once_while_the_cdn_does_not_answer(app, page, seller, sales):
    app.config["SORTABLE_JS_URL"] = CDN
    never_answer(page, CDN)

    open_board_without_waiting(page, seller.email)
    page.wait_for_function("() => document.body.dataset.boardReady === '1'",
                           timeout=A_FEW_SECONDS)
    card(page, "Alpha").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")

    page.locator("#board-live").get_by_text("Alpha moved to Contacted.").wait_for(
        timeout=A_FEW_SECONDS)
    settled(page)
    assert db_order(sales.stages[1].id) == ["Alpha", "Delta", "Echo"]


def test_cards_drag_within_seconds_with_the_shipped_copy_while_the_cdn_does_not_answer(
        app, page, seller, sales):
    app.config["SORTABLE_JS_URL"] = CDN
    app.config["SORTABLE_JS_INTEGRITY"] = DefaultConfig.SORTABLE_JS_INTEGRITY
    never_answer(page, CDN)
    requests = watch_requests(page)

    open_board_without_waiting(page, seller.email)
    page.wait_for_function(SORTABLE_BOUND, timeout=A_FEW_SECONDS)
    drag_to(page, card(page, "Bravo"), card(page, "Delta"), "below")
    settled(page)

    assert db_order(sales.stages[1].id) == ["Delta", "Bravo", "Echo"]
    assert sum(url.endswith(LOCAL_COPY) for url in requests) == 1


def test_a_cdn_answering_late_does_not_replace_the_copy_in_use(app, page, seller, sales):
    app.config["SORTABLE_JS_URL"] = CDN
    app.config["SORTABLE_JS_INTEGRITY"] = DefaultConfig.SORTABLE_JS_INTEGRITY
    held = never_answer(page, CDN)
    page.add_init_script(COUNT_COPIES)

    open_board_without_waiting(page, seller.email)
    page.wait_for_function(SORTABLE_BOUND, timeout=A_FEW_SECONDS)
    held[0].fulfill(path=ASSETS / "Sortable.min.js", content_type="application/javascript",
                    headers={"Access-Control-Allow-Origin": "*"})
    page.wait_for_function(f"() => window.sortableCopies() === 2 && ({SORTABLE_BOUND})()",
                           timeout=A_FEW_SECONDS)
    drag_to(page, card(page, "Bravo"), card(page, "Delta"), "below")
    settled(page)

    assert db_order(sales.stages[1].id) == ["Delta", "Bravo", "Echo"]
