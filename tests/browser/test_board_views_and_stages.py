"""Saved views, the filter row at desktop and phone widths, and stages dragged into order."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from kanban.extensions import db
from kanban.models import Pipeline
from tests.browser.conftest import (
    ARTIFACTS,
    card,
    column_titles,
    drag_to,
    log_in,
    settled,
)
from tests.factories import UserFactory
from tests.live import axe_violations


def test_a_saved_view_opens_the_same_filters(board_page, sales):
    page = board_page
    page.get_by_label("Search").fill("charl")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"q=charl$"))

    page.locator(".view-manage > summary").click()
    page.get_by_label("Name of the view").fill("Charlie only")
    page.get_by_role("button", name="Save the view").click()
    expect(page.locator(".flash")).to_contain_text("The view Charlie only is saved.")

    page.goto("/board")
    assert column_titles(page, "Contacted") == ["Delta", "Echo"]
    page.locator(".view-links").get_by_role("link", name="Charlie only").click()

    page.wait_for_url(re.compile(r"/board\?pipeline_id=\d+&q=charl$"))
    assert page.get_by_label("Search").input_value() == "charl"
    assert column_titles(page, "New") == ["Charlie"]
    assert column_titles(page, "Contacted") == []
    expect(page.locator(".view-links a[aria-current]")).to_have_text("Charlie only")


def test_main_filters_sit_in_one_row_on_a_laptop(board_page):
    page = board_page
    page.set_viewport_size({"width": 1366, "height": 800})
    page.reload()
    boxes = [page.locator(selector).bounding_box() for selector in
             ("#f-q", "#f-owner", ".more-filters > summary",
              ".filter-actions button[type=submit]", ".view-manage > summary")]

    bottoms = [box["y"] + box["height"] for box in boxes]
    assert max(bottoms) - min(bottoms) < 12, boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_more_filters_open_over_the_board_without_moving_it(board_page):
    page = board_page
    page.set_viewport_size({"width": 1366, "height": 800})
    page.reload()
    board_top = page.locator("#board").bounding_box()["y"]

    page.get_by_text("More filters").click()

    expect(page.get_by_label("Tag")).to_be_visible()
    assert page.locator("#board").bounding_box()["y"] == board_top


def test_filters_wrap_within_a_phone_screen(board_page):
    page = board_page
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    page.locator("#filter-panel > summary").click()
    page.get_by_text("More filters").click()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "board-filters-375.png"))

    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for label in ("Search", "Owner", "Tag", "Order of the cards"):
        box = page.get_by_label(label).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, label
    assert axe_violations(page) == []


def stage_order(pipeline_id: int) -> list[str]:
    db.session.expire_all()
    return [stage.name for stage in db.session.get(Pipeline, pipeline_id).stages]


def test_an_admin_drags_a_stage_into_a_new_place(page, sales):
    admin = UserFactory(role="admin", name="Ada Admin", email="ada@example.com")
    log_in(page, admin.email, open_board=False)
    page.set_viewport_size({"width": 1280, "height": 1800})  # every stage in sight
    page.goto("/admin/pipelines")
    page.wait_for_function("() => document.body.dataset.stagesReady === '1'")

    grip = page.locator(f'.stage-admin[data-stage-id="{sales.stages[2].id}"] .stage-grip')
    target = page.locator(f'.stage-admin[data-stage-id="{sales.stages[0].id}"]')
    box = grip.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 8, box["y"] - 8, steps=4)
    first = "() => document.querySelector('.stage-admin:not(.sortable-fallback)')"
    for attempt in range(8):  # the other stages make room as the stage travels
        aim = target.bounding_box()
        page.mouse.move(aim["x"] + 40, aim["y"] + 4 + (attempt % 2) * 3, steps=8)
        page.wait_for_timeout(150)
        if page.evaluate(f"({first})().dataset.stageId") == str(sales.stages[2].id):
            break
    page.mouse.up()

    expect(page.locator(".flash")).to_contain_text("The stages of Sales are in their new order.")
    assert stage_order(sales.id) == ["Proposal", "New", "Contacted"]
    assert page.locator(".stage-admin input[name=name]").first.input_value() == "Proposal"


def test_the_pipelines_page_passes_axe(page, sales):
    admin = UserFactory(role="admin", name="Ada Admin", email="ada@example.com")
    log_in(page, admin.email, open_board=False)
    page.goto("/admin/pipelines")
    assert axe_violations(page) == []


def test_the_weighted_value_follows_a_moved_card(board_page, sales):
    page = board_page
    contacted = page.locator(".column", has=page.locator("h2", has_text="Contacted"))
    assert contacted.locator(".weighted-sum").inner_text() == "€600.00"  # 30 % of 2,000

    drag_to(page, card(page, "Bravo"), card(page, "Delta"), "below")
    settled(page)

    expect(contacted.locator(".weighted-sum")).to_have_text("€900.00")
    new = page.locator(".column", has=page.locator("h2", has_text="New"))
    expect(new.locator(".weighted-sum")).to_have_text("€200.00")  # 10 % of 2,000
