"""Long columns, filters in the address, accessibility and the phone layout."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kanban.extensions import db
from tests.browser.conftest import ARTIFACTS, card, column_titles
from tests.factories import LeadFactory, UserFactory
from tests.live import axe_violations, log_in


def test_scrolling_a_long_column_loads_the_rest(app, board_page, sales):
    page = board_page
    app.config["BOARD_PAGE_SIZE"] = 4
    page.set_viewport_size({"width": 1280, "height": 560})
    for n in range(7):
        LeadFactory(title=f"Extra {n}", stage=sales.stages[2])
    page.reload()
    proposal = page.locator(".column", has=page.locator("h2", has_text="Proposal"))
    assert proposal.locator(".card").count() == 4
    assert proposal.locator(".count").inner_text() == "7"

    proposal.locator(".column-body").evaluate("body => body.scrollTo(0, body.scrollHeight)")

    page.wait_for_function(
        "() => document.querySelectorAll('.column')[2].querySelectorAll('.card').length === 7"
    )
    assert column_titles(page, "Proposal") == [f"Extra {n}" for n in range(7)]
    proposal.locator(".load-more").wait_for(state="detached")


def test_filters_go_into_the_address_and_survive_a_reload(board_page, sales):
    page = board_page

    page.get_by_label("Search").fill("charl")
    page.get_by_role("button", name="Filter").click()

    page.wait_for_url(re.compile(r"/board\?pipeline_id=\d+&q=charl$"))
    assert column_titles(page, "New") == ["Charlie"]
    page.reload()
    assert page.get_by_label("Search").input_value() == "charl"
    assert column_titles(page, "New") == ["Charlie"]
    assert column_titles(page, "Contacted") == []


def test_my_leads_is_one_click_away(board_page, sales, seller):
    LeadFactory(title="Rita's own", owner=seller, stage=sales.stages[1])
    page = board_page

    page.get_by_role("link", name="My leads").click()

    page.wait_for_url(re.compile(rf"owner_id={seller.id}"))
    assert column_titles(page, "Contacted") == ["Rita's own"]
    assert column_titles(page, "New") == []


def test_login_page_passes_axe(page):
    page.goto("/login")

    assert axe_violations(page) == []


def test_error_page_passes_axe(page):
    response = page.goto("/no-such-page")

    assert response.status == 404
    assert axe_violations(page) == []


def test_board_page_passes_axe(board_page, sales):
    LeadFactory(title="Overdue", stage=sales.stages[2], priority=2, tags=["urgent"],
                next_action_date=date(2020, 1, 1))
    board_page.reload()

    assert axe_violations(board_page) == []


def test_lead_page_passes_axe(app, board_page, sales):
    if not any(rule.rule == "/leads/<int:lead_id>" for rule in app.url_map.iter_rules()):
        pytest.skip("the lead page is not built yet")
    page = board_page
    card(page, "Alpha").locator(".card-title").click()
    page.wait_for_url(re.compile(r"/leads/\d+$"))

    assert axe_violations(page) == []


def test_board_fits_a_phone_one_column_at_a_time(board_page):
    page = board_page
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    page.wait_for_function("() => document.body.dataset.boardReady === '1'")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "board-375.png"

    page.screenshot(path=str(path))

    assert path.stat().st_size > 0
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 375  # the board scrolls sideways inside itself, not the page
    first = page.locator(".column").first.bounding_box()
    assert first["width"] > 300
    assert not page.get_by_label("Search").is_visible()  # the filters fold away


def test_on_a_phone_the_menu_keeps_to_two_rows_its_pages_sliding_sideways(page, admin):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, admin.email)
    brand = page.locator(".brand").bounding_box()
    log_out = page.get_by_role("button", name="Log out").bounding_box()
    strip = page.locator(".nav-links")
    tops = {round(box["y"]) for box in (link.bounding_box() for link in strip.locator("a").all())}

    assert abs(log_out["y"] - brand["y"]) < brand["height"]  # the first row
    assert len(tops) == 1 and tops.pop() > brand["y"] + brand["height"] - 1  # the second
    assert strip.evaluate("el => el.scrollWidth > el.clientWidth")  # more pages than fit
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    last = strip.locator("a").last
    last.focus()  # as the Tab key does: the strip slides until the focused page shows
    box, shown = last.bounding_box(), strip.bounding_box()
    assert shown["x"] <= box["x"] < shown["x"] + shown["width"] - 8


def test_on_a_phone_the_menu_shows_that_more_pages_hide_past_its_edge(page, admin):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, admin.email)
    strip = page.locator(".nav-links")

    layers = strip.evaluate("el => getComputedStyle(el).backgroundImage")

    assert layers.count("radial-gradient") == 2  # the shadows at the edges
    assert strip.evaluate("el => getComputedStyle(el).backgroundAttachment") == (
        "local, local, scroll, scroll")  # the covers move with the links, the shadows stay


def test_on_a_phone_the_page_shown_is_in_view_in_the_menu(page, admin):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, admin.email)
    page.goto("/admin")
    strip = page.locator(".nav-links")
    current = strip.locator('[aria-current="page"]')

    box, shown = current.bounding_box(), strip.bounding_box()

    assert strip.evaluate("el => el.scrollLeft") > 0
    assert shown["x"] <= box["x"] and box["x"] + box["width"] <= shown["x"] + shown["width"]



def test_a_long_unbroken_title_never_widens_a_phone_page(page, seller, sales):
    from kanban.models import Stage
    from kanban.services import leads as lead_service

    title = "https://www.example.com/" + "verylongaddress" * 10
    stage = db.session.get(Stage, sales.stages[0].id)
    colleague = UserFactory(name="Otto Other", email="otto@example.com", role="manager")
    lead_service.create_lead({"title": title, "owner_id": seller.id}, user=colleague,
                             stage=stage)
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, seller.email)

    page.goto("/notifications")
    assert page.get_by_role("button", name=re.compile("verylongaddress")).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto("/board")
    page.wait_for_function("() => document.body.dataset.boardReady === '1'")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_escape_closes_a_panel_open_over_the_board_and_opening_one_closes_the_other(
        board_page):
    page = board_page
    more = page.locator("details.more-filters")
    views = page.locator("details.view-manage")
    more.locator("summary").click()
    page.get_by_label("Tag").focus()
    page.keyboard.press("Escape")

    assert not more.evaluate("el => el.open")
    assert more.locator("summary").evaluate("el => el === document.activeElement")
    more.locator("summary").click()
    views.locator("summary").click()
    assert views.evaluate("el => el.open") and not more.evaluate("el => el.open")
