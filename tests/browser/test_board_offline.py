"""Dragging works when the SortableJS CDN cannot be reached: the shipped copy takes over."""

from __future__ import annotations

from kanban.config import DefaultConfig
from tests.browser.conftest import card, column_titles, db_order, drag_to, log_in, settled

CDN = DefaultConfig.SORTABLE_JS_URL
SORTABLE_BOUND = (
    "() => !!window.Sortable && "
    "Array.from(document.querySelectorAll('.cards')).every(list => window.Sortable.get(list))"
)


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
    assert any(url.endswith("/static/vendor/sortablejs/Sortable.min.js") for url in requests)
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
