"""The top bar's search box in a real browser: typed into, reached by "/", on a phone."""

from __future__ import annotations

import re

from tests.browser.conftest import ARTIFACTS
from tests.factories import ClientFactory, LeadFactory
from tests.live import axe_violations, log_in


def test_typing_in_the_top_bar_finds_a_lead_and_opens_it(page, seller, sales):
    lead = LeadFactory(title="Волга Логистика", company="ООО ВОЛГА", contact_name="Пётр",
                       stage=sales.stages[0])
    log_in(page, seller.email)

    box = page.get_by_label("Find leads, client folders and contacts")
    box.fill("волга")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    page.get_by_role("link", name="Волга Логистика").click()

    page.wait_for_url(re.compile(rf"/leads/{lead.id}$"))
    assert "Волга Логистика" in page.get_by_role("heading", level=1).inner_text()


def test_slash_puts_the_cursor_in_the_search_box(page, seller, sales):
    log_in(page, seller.email)
    page.locator("h1").first.click()

    page.keyboard.press("/")
    page.keyboard.type("nandu")

    box = page.get_by_label("Find leads, client folders and contacts")
    assert box.evaluate("el => el === document.activeElement")
    assert box.input_value() == "nandu"


def test_search_page_passes_axe(page, seller, sales):
    LeadFactory(title="Ñandú Café", contact_name="Ñandú Person", stage=sales.stages[0])
    ClientFactory(name="Ñandú SA")
    log_in(page, seller.email)
    page.goto("/search?q=nandu")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search.png"))

    assert page.locator(".search-group").count() == 3
    assert axe_violations(page) == []


def test_on_a_phone_the_search_box_shares_the_first_row_without_sideways_scroll(
    page, seller, sales
):
    LeadFactory(title="A rather long lead title " * 6, stage=sales.stages[0],
                email="someone.with.a.very.long.address@a-long-company-name.example")
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, seller.email)
    page.goto("/search?q=rather")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-375.png"))

    brand = page.locator(".brand").bounding_box()
    box = page.get_by_label("Find leads, client folders and contacts").bounding_box()
    assert abs(box["y"] - brand["y"]) < brand["height"]  # on the brand's row
    assert box["width"] >= 70
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
