"""The board in a real Chromium with the app mounted under /crm (a prefix-stripping proxy):
the page's script moves cards through the URLs the server gave it."""

from __future__ import annotations

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from tests.browser.conftest import card, column_titles, db_order, drag_to, settled
from tests.factories import PASSWORD
from tests.live import start_live_server


@pytest.fixture
def backend():
    """Browser tests run on SQLite."""
    return "sqlite"


@pytest.fixture
def crm_page(app, chromium, seller, sales):
    app.config["SORTABLE_JS_URL"] = "/_assets/Sortable.min.js"  # the test copy
    app.config["SORTABLE_JS_INTEGRITY"] = ""
    app.wsgi_app = DispatcherMiddleware(Response("not here", 404), {"/crm": app.wsgi_app})
    live, stop = start_live_server(app)
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live.url}/crm/login")
    page.get_by_label("Email").fill(seller.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live.url}/crm/agenda")
    page.goto(f"{live.url}/crm/board")
    page.wait_for_function("() => document.body.dataset.boardReady === '1'")
    yield page
    context.close()
    stop()


def test_a_card_moved_on_a_board_under_a_prefix_is_saved(crm_page, sales):
    new, contacted, _ = sales.stages
    requests = []
    crm_page.on("request", lambda request: requests.append(request.url))

    drag_to(crm_page, card(crm_page, "Bravo"), card(crm_page, "Delta"), "below")
    settled(crm_page)

    assert column_titles(crm_page, "Contacted") == ["Delta", "Bravo", "Echo"]
    assert db_order(contacted.id) == ["Delta", "Bravo", "Echo"]
    assert db_order(new.id) == ["Alpha", "Charlie"]
    app_requests = [url for url in requests if "/_assets/" not in url]
    assert app_requests and all("/crm/" in url for url in app_requests), app_requests
