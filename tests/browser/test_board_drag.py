"""Moving cards with a real mouse in a real Chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from kanban import hookimpl
from kanban.extensions import db
from kanban.models import Lead
from tests.browser.conftest import (
    card,
    column_titles,
    db_order,
    drag_to,
    drag_to_zone,
    grab_point,
    settled,
)


def test_card_dragged_below_another_card_in_another_column_is_saved(board_page, sales):
    page = board_page
    new, contacted, _ = sales.stages

    drag_to(page, card(page, "Bravo"), card(page, "Delta"), "below")
    settled(page)

    assert column_titles(page, "Contacted") == ["Delta", "Bravo", "Echo"]
    assert db_order(contacted.id) == ["Delta", "Bravo", "Echo"]
    assert db_order(new.id) == ["Alpha", "Charlie"]
    contacted_column = page.locator(".column", has_text="Contacted")
    page.wait_for_function(
        "() => document.querySelectorAll('.column .count')[1].textContent === '3'"
    )
    # The count moves at once; the total comes from the server a moment later.
    expect(contacted_column.locator(".sum")).to_have_text("€3,000.00")
    page.reload()
    assert column_titles(page, "Contacted") == ["Delta", "Bravo", "Echo"]
    assert contacted_column.locator(".count").inner_text() == "3"


def test_card_dragged_above_another_in_its_own_column_is_saved(board_page, sales):
    page = board_page

    drag_to(page, card(page, "Charlie"), card(page, "Alpha"), "above")
    settled(page)

    assert column_titles(page, "New") == ["Charlie", "Alpha", "Bravo"]
    assert db_order(sales.stages[0].id) == ["Charlie", "Alpha", "Bravo"]


def test_move_refused_by_a_plugin_snaps_back_and_says_why(board_page, sales, register_plugin):
    class NeedsValue:
        @hookimpl
        def kanban_lead_move_veto(self, lead, to_stage, user):
            if to_stage.name == "Contacted":
                return "Add a next action before moving to Contacted."

    register_plugin(NeedsValue())
    page = board_page

    drag_to(page, card(page, "Bravo"), card(page, "Delta"), "below")

    toast = page.locator("#board-toast")
    toast.get_by_text("Add a next action before moving to Contacted.").wait_for()
    assert column_titles(page, "New") == ["Alpha", "Bravo", "Charlie"]
    assert column_titles(page, "Contacted") == ["Delta", "Echo"]
    assert db_order(sales.stages[1].id) == ["Delta", "Echo"]
    page.wait_for_function(  # the counts that moved with the card come back too
        "() => Array.from(document.querySelectorAll('.column .count'), c => c.textContent)"
        ".join() === '3,2,0'"
    )


def test_stale_card_snaps_back_and_its_column_shows_the_latest_state(board_page, sales):
    page = board_page
    bravo = db.session.query(Lead).filter_by(title="Bravo").one()
    bravo.title = "Bravo (renamed by a colleague)"
    db.session.commit()

    drag_to(page, card(page, "Bravo"), card(page, "Delta"), "below")

    page.locator("#board-toast").get_by_text("Someone else changed this lead").wait_for()
    page.get_by_text("Bravo (renamed by a colleague)").wait_for()
    assert column_titles(page, "New") == ["Alpha", "Bravo (renamed by a colleague)", "Charlie"]
    assert db_order(sales.stages[1].id) == ["Delta", "Echo"]


def test_a_card_dropped_into_a_stage_deleted_meanwhile_goes_back_and_the_column_goes(
        board_page, sales):
    page = board_page
    from kanban.services.pipelines import delete_stage

    delete_stage(sales.stages[2])  # an admin deletes the empty Proposal stage

    sx, sy = grab_point(card(page, "Bravo"))
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(sx + 6, sy + 6, steps=3)
    box = page.locator(".column", has_text="Proposal").locator(".cards").bounding_box()
    for attempt in range(3):
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 20 + attempt * 3, steps=8)
        page.wait_for_timeout(150)
    page.mouse.up()

    page.locator("#board-toast").get_by_text("no longer exists").wait_for()
    expect(page.locator(".column", has_text="Proposal")).to_have_count(0)
    assert column_titles(page, "New") == ["Alpha", "Bravo", "Charlie"]
    assert db_order(sales.stages[0].id) == ["Alpha", "Bravo", "Charlie"]


def test_dropping_on_lost_asks_why_and_cancelling_puts_the_card_back(board_page, sales):
    page = board_page
    version = db.session.query(Lead).filter_by(title="Bravo").one().version

    drag_to_zone(page, card(page, "Bravo"), "lost")

    dialog = page.get_by_role("dialog", name="Why was this lead lost?")
    dialog.wait_for()
    assert dialog.get_by_label("Chose a competitor").is_visible()
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="hidden")
    assert column_titles(page, "New") == ["Alpha", "Bravo", "Charlie"]
    db.session.expire_all()
    bravo = db.session.query(Lead).filter_by(title="Bravo").one()
    assert (bravo.status, bravo.version) == ("open", version)


def test_dropping_on_lost_with_a_reason_closes_the_lead(board_page, sales):
    page = board_page

    drag_to_zone(page, card(page, "Bravo"), "lost")
    dialog = page.get_by_role("dialog", name="Why was this lead lost?")
    dialog.get_by_label("No budget").check()
    dialog.get_by_role("button", name="Mark as lost").click()

    page.locator("#board-toast").get_by_text("Bravo is marked as lost.").wait_for()
    assert column_titles(page, "New") == ["Alpha", "Charlie"]
    page.wait_for_function("() => document.querySelector('.column .count').textContent === '2'")
    db.session.expire_all()
    bravo = db.session.query(Lead).filter_by(title="Bravo").one()
    assert (bravo.status, bravo.lost_reason) == ("lost", "No budget")


def test_dropping_on_won_closes_the_lead(board_page, sales):
    page = board_page

    drag_to_zone(page, card(page, "Echo"), "won")

    page.locator("#board-toast").get_by_text("Echo is won.").wait_for()
    assert column_titles(page, "Contacted") == ["Delta"]
    db.session.expire_all()
    assert db.session.query(Lead).filter_by(title="Echo").one().status == "won"


def test_move_lost_on_the_network_snaps_back_and_says_so(board_page, sales):
    page = board_page
    page.route("**/api/v1/leads/*/move", lambda route: route.abort())

    drag_to(page, card(page, "Alpha"), card(page, "Echo"), "below")

    page.locator("#board-toast").get_by_text("The server could not be reached.").wait_for()
    assert column_titles(page, "New") == ["Alpha", "Bravo", "Charlie"]
    assert column_titles(page, "Contacted") == ["Delta", "Echo"]
    assert db_order(sales.stages[1].id) == ["Delta", "Echo"]
    page.wait_for_function(  # the counts that moved with the card come back too
        "() => Array.from(document.querySelectorAll('.column .count'), c => c.textContent)"
        ".join() === '3,2,0'"
    )


def test_on_a_phone_a_card_held_at_the_boards_edge_scrolls_to_the_next_column(
        board_page, sales):
    page = board_page
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    page.wait_for_function("() => document.body.dataset.boardReady === '1'")
    board = page.locator(".board")
    assert board.evaluate("el => el.scrollLeft") == 0
    x, y = grab_point(card(page, "Alpha"))
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 6, y + 6, steps=3)
    page.locator(".board.is-dragging").wait_for()  # the drag has begun
    edge = board.bounding_box()
    right = edge["x"] + edge["width"] - 8
    page.mouse.move(right, y + 6, steps=8)
    for step in range(60):  # held there, as a hand holds: a pixel this way or that
        if board.evaluate("el => el.scrollLeft") > 200:
            break
        page.mouse.move(right - step % 2 * 2, y + 6)
        page.wait_for_timeout(250)
    assert board.evaluate("el => el.scrollLeft") > 200
    target = page.locator(".column", has=page.locator("h2", has_text="Contacted"))
    box = target.locator(".column-body").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 10, steps=8)
    page.wait_for_timeout(200)
    page.mouse.up()
    settled(page)

    assert "Alpha" in db_order(sales.stages[1].id)
