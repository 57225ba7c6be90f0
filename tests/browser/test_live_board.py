"""The live board in real Chromium: two people with the board open see each other's moves,
new cards and closes without a reload, with the counts right, never under a drag."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from kanban.services import leads as lead_service
from tests.browser.conftest import card, drag_to, log_in, settled
from tests.factories import UserFactory


@pytest.fixture
def app_config(app_config):
    # Short streams: the reconnection (with Last-Event-ID) happens inside each test.
    return {**app_config, "LIVE_STREAM_SECONDS": 3, "LIVE_POLL_SECONDS": 0.3}


@pytest.fixture
def carla(app):
    return UserFactory(name="Carla Two", email="carla2@example.com")


def open_board(chromium, live_server, email: str):
    context = chromium.new_context(base_url=live_server.url,
                                   viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, email)
    page.wait_for_function("() => document.body.dataset.boardReady === '1'")
    page.wait_for_function("() => document.body.dataset.live")
    return page


def column(page, name: str):
    return page.locator(".column", has=page.locator("h2", has_text=name))


@pytest.fixture
def two_boards(chromium, live_server, seller, carla, sales):
    rita = open_board(chromium, live_server, seller.email)
    other = open_board(chromium, live_server, carla.email)
    yield rita, other
    rita.context.close()
    other.context.close()


def test_a_move_on_one_board_shows_on_the_other(two_boards):
    rita, carla = two_boards
    drag_to(carla, card(carla, "Alpha"), card(carla, "Delta"))
    settled(carla)

    expect(column(rita, "Contacted").locator(".card", has_text="Alpha")).to_be_visible()
    expect(column(rita, "New").locator(".card", has_text="Alpha")).to_have_count(0)
    expect(column(rita, "Contacted").locator(".count")).to_have_text("3")
    expect(column(rita, "New").locator(".count")).to_have_text("2")


def test_the_board_comes_back_to_life_after_its_stream_was_refused(two_boards, sales, carla):
    rita, _other = two_boards
    refused = []

    def out_of_reach(route):  # as while the database cannot be reached
        refused.append(route.request.url)
        route.fulfill(status=503, body="The database is out of reach.")

    rita.route("**/board/events?*", out_of_reach)
    rita.wait_for_function("() => document.body.dataset.live === 'waiting'", timeout=15000)
    rita.unroute("**/board/events?*")
    lead_service.create_lead({"title": "Zulu Bakery"}, user=carla, stage=sales.stages[2])

    expect(column(rita, "Proposal").locator(".card", has_text="Zulu Bakery")).to_be_visible(
        timeout=15000)
    assert refused


def test_a_new_lead_appears_with_the_column_count(two_boards, sales, carla):
    rita, _other = two_boards
    lead_service.create_lead({"title": "Zulu Bakery"}, user=carla, stage=sales.stages[2])

    expect(column(rita, "Proposal").locator(".card", has_text="Zulu Bakery")).to_be_visible()
    expect(column(rita, "Proposal").locator(".count")).to_have_text("1")


def test_a_colleagues_change_keeps_the_keyboards_place_in_the_column(two_boards, sales,
                                                                    carla):
    rita, _other = two_boards
    bravo = card(rita, "Bravo")
    bravo.focus()

    lead_service.create_lead({"title": "Zulu Bakery"}, user=carla, stage=sales.stages[0])

    expect(column(rita, "New").locator(".card", has_text="Zulu Bakery")).to_be_visible()
    assert rita.evaluate("document.activeElement.dataset.id") == bravo.get_attribute("data-id")


def test_a_closed_lead_leaves_the_other_board(two_boards, sales, carla):
    rita, _other = two_boards
    lead = db.session.scalars(select(Lead).where(Lead.title == "Bravo")).one()
    lead_service.close_lead(lead, "won", user=carla)

    expect(card(rita, "Bravo")).to_have_count(0)
    expect(column(rita, "New").locator(".count")).to_have_text("2")


def test_changes_wait_while_a_card_is_picked_up(two_boards, sales, carla):
    rita, _other = two_boards
    picked = card(rita, "Charlie")
    picked.focus()
    rita.keyboard.press("Space")
    lead_service.create_lead({"title": "Yankee Shop"}, user=carla, stage=sales.stages[0])
    rita.wait_for_timeout(1500)  # the event has come; the column must not be redrawn now

    assert rita.evaluate("() => window.kanbanBoard.busy()")
    expect(column(rita, "New").locator(".card", has_text="Yankee Shop")).to_have_count(0)

    rita.keyboard.press("Escape")

    expect(column(rita, "New").locator(".card", has_text="Yankee Shop")).to_be_visible()


def test_the_board_follows_across_reconnections(two_boards, sales, carla):
    rita, _other = two_boards
    rita.wait_for_timeout(3500)  # the first stream has ended; the browser opened another
    lead_service.create_lead({"title": "After Reconnect"}, user=carla, stage=sales.stages[1])

    expect(column(rita, "Contacted").locator(".card", has_text="After Reconnect")).to_be_visible()


def test_without_a_stream_the_board_asks_every_few_seconds(chromium, live_server, seller,
                                                             carla, sales):
    live_server.app.config["LIVE_POLL_ONLY"] = True
    rita = open_board(chromium, live_server, seller.email)
    try:
        assert rita.evaluate("() => document.body.dataset.live") == "poll"
        lead_service.create_lead({"title": "Polled In"}, user=carla, stage=sales.stages[1])

        expect(column(rita, "Contacted").locator(".card", has_text="Polled In")).to_be_visible(
            timeout=8000)
    finally:
        rita.context.close()
        db.session.rollback()
