"""Moving cards without a mouse: with the keyboard and with a finger."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kanban.extensions import db
from kanban.models import Lead
from tests.browser.conftest import card, column_titles, db_order, log_in, settled


def test_card_moved_with_the_keyboard_is_saved(board_page, sales):
    page = board_page
    alpha = card(page, "Alpha")
    alpha.focus()

    page.keyboard.press("Space")
    live = page.locator("#board-live")
    live.get_by_text("Picked up Alpha.").wait_for()
    page.keyboard.press("ArrowRight")
    live.get_by_text("Contacted, position 1 of 3.").wait_for()
    page.keyboard.press("ArrowDown")
    live.get_by_text("Contacted, position 2 of 3.").wait_for()
    page.keyboard.press("Enter")

    live.get_by_text("Alpha moved to Contacted.").wait_for()
    settled(page)
    assert column_titles(page, "Contacted") == ["Delta", "Alpha", "Echo"]
    assert db_order(sales.stages[1].id) == ["Delta", "Alpha", "Echo"]
    assert page.evaluate("document.activeElement.dataset.id") == alpha.get_attribute("data-id")


def test_escape_puts_a_picked_up_card_back(board_page, sales):
    page = board_page
    card(page, "Charlie").focus()

    page.keyboard.press("Space")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")

    page.locator("#board-live").get_by_text("Move cancelled").wait_for()
    assert column_titles(page, "New") == ["Alpha", "Bravo", "Charlie"]
    assert column_titles(page, "Contacted") == ["Delta", "Echo"]
    assert db_order(sales.stages[0].id) == ["Alpha", "Bravo", "Charlie"]


def test_keyboard_can_close_a_lead_as_lost_with_a_reason(board_page, sales):
    page = board_page
    card(page, "Bravo").focus()

    page.keyboard.press("Space")
    for _stage in ("Contacted", "Proposal", "Won", "Lost"):
        page.keyboard.press("ArrowRight")
    page.locator("#board-live").get_by_text("Lost: press Enter to close the lead.").wait_for()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Why was this lead lost?")
    dialog.get_by_label("Timing").check()
    dialog.get_by_label("Details").fill("Budget comes back in spring")
    dialog.get_by_role("button", name="Mark as lost").click()

    page.locator("#board-toast").get_by_text("Bravo is marked as lost.").wait_for()
    assert column_titles(page, "New") == ["Alpha", "Charlie"]
    assert page.evaluate("document.activeElement.dataset.id") == card(
        page, "Charlie").get_attribute("data-id")
    db.session.expire_all()
    bravo = db.session.query(Lead).filter_by(title="Bravo").one()
    assert (bravo.status, bravo.lost_reason) == ("lost", "Timing: Budget comes back in spring")


def test_a_move_refused_as_a_conflict_is_told_in_place_of_the_cards_position(board_page, sales):
    page = board_page
    card(page, "Alpha").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    live = page.locator("#board-live")
    live.get_by_text("Contacted, position 1 of 3.").wait_for()
    alpha = db.session.query(Lead).filter_by(title="Alpha").one()
    alpha.company = "Alpha Group"  # a colleague changes the lead meanwhile
    db.session.commit()
    page.keyboard.press("Enter")

    expect(live).to_have_text(re.compile(r"^Someone else changed this lead"))
    toast = page.locator("#board-toast")
    expect(toast).to_have_text(live.inner_text())
    expect(toast).to_have_attribute("aria-live", "off")  # shown there, said once
    assert column_titles(page, "New")[0] == "Alpha"


@pytest.mark.parametrize(("closed", "focused"), [("Bravo", "Charlie"), ("Charlie", "Bravo")])
def test_a_card_closed_with_the_keyboard_hands_the_focus_to_its_neighbour(
    board_page, sales, closed, focused
):
    page = board_page
    card(page, closed).focus()
    page.keyboard.press("Space")
    for _stage in ("Contacted", "Proposal", "Won"):
        page.keyboard.press("ArrowRight")
    page.locator("#board-live").get_by_text("Won: press Enter to close the lead.").wait_for()
    page.keyboard.press("Enter")

    page.locator("#board-toast").get_by_text(f"{closed} is won. Well done!").wait_for()
    assert page.evaluate("document.activeElement.dataset.id") == card(
        page, focused).get_attribute("data-id")


@pytest.fixture
def touch_page(chromium, live_server, seller, sales):
    """A tablet held upright: touch screen, no mouse."""
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 820, "height": 1000},
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    log_in(page, seller.email)
    page.wait_for_function("() => document.body.dataset.boardReady === '1'")
    yield page
    context.close()


def finger_drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Touch, slide in small steps and lift, as real touch events."""
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, x: float, y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", *start)
    steps = 20
    for step in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * step / steps
        y = start[1] + (end[1] - start[1]) * step / steps
        touch("touchMove", x, y)
        page.wait_for_timeout(15)
    for wiggle in (2, 0, 2):
        touch("touchMove", end[0], end[1] + wiggle)
        page.wait_for_timeout(120)
    touch("touchEnd", *end)


def test_finger_drag_on_the_grip_moves_the_card(touch_page, sales):
    page = touch_page
    grip = card(page, "Alpha").locator(".grip")
    assert grip.is_visible()
    box = grip.bounding_box()
    target = card(page, "Echo").bounding_box()

    finger_drag(
        page,
        (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2),
        (target["x"] + target["width"] / 2, target["y"] + target["height"] * 0.85),
    )

    settled(page)
    page.wait_for_function("() => document.querySelectorAll('.column')[1]"
                           ".querySelectorAll('.card').length === 3")
    shown = column_titles(page, "Contacted")
    assert sorted(shown) == ["Alpha", "Delta", "Echo"]
    assert db_order(sales.stages[1].id) == shown
    assert db_order(sales.stages[0].id) == column_titles(page, "New") == ["Bravo", "Charlie"]


def test_finger_sliding_over_a_card_body_does_not_move_it(touch_page, sales):
    page = touch_page
    who = card(page, "Alpha").locator(".card-who").bounding_box()
    target = card(page, "Echo").bounding_box()

    finger_drag(
        page,
        (who["x"] + 10, who["y"] + who["height"] / 2),
        (target["x"] + target["width"] / 2, target["y"] + target["height"] * 0.85),
    )

    page.wait_for_timeout(300)
    assert page.url.endswith("/board")
    assert column_titles(page, "New") == ["Alpha", "Bravo", "Charlie"]
    assert db_order(sales.stages[0].id) == ["Alpha", "Bravo", "Charlie"]
