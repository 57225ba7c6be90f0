"""The results page in a real Chromium: accessible, usable on a phone, without script."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.live import axe_violations, require_chromium, require_test_assets

pytestmark = pytest.mark.browser

NOVEMBER = "/results?period=custom&from=2026-11-01&to=2026-11-30"


@pytest.fixture(autouse=True)
def _axe_fetched():
    require_chromium()
    require_test_assets("axe.min.js")


@pytest.fixture
def results_page(page, month, people):
    log_in(page, people.ana.email, open_board=False)
    page.goto(NOVEMBER)
    return page


def test_results_page_passes_axe(results_page):
    assert axe_violations(results_page) == []


def test_results_page_with_an_error_passes_axe(results_page):
    response = results_page.goto("/results?period=custom&from=2026-11-30&to=2026-11-01")

    assert response.status == 400
    assert axe_violations(results_page) == []


def test_results_fit_a_phone(results_page):
    page = results_page
    page.set_viewport_size({"width": 375, "height": 740})

    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    widths = page.eval_on_selector_all(
        "svg.chart", "charts => charts.map(c => c.getBoundingClientRect().width)"
    )
    assert len(widths) >= 6 and all(0 < width <= 375 for width in widths)


def test_on_a_phone_a_table_wider_than_the_screen_shows_it_goes_on(results_page):
    page = results_page
    page.set_viewport_size({"width": 375, "height": 740})
    cues = page.eval_on_selector_all(".table-scroll", """boxes => boxes
        .filter(box => box.scrollWidth > box.clientWidth)
        .map(box => getComputedStyle(box).backgroundImage)""")
    assert cues and all(cue.count("radial-gradient") == 2 for cue in cues)


def test_on_a_wide_screen_blocks_sit_two_by_two_with_charts_as_wide_as_their_cards(
        results_page):
    page = results_page
    page.set_viewport_size({"width": 1366, "height": 800})

    sizes = page.eval_on_selector_all("svg.chart", """charts => charts.map(c => [
        c.getBoundingClientRect().width,
        c.closest('.result-block').getBoundingClientRect().width])""")
    assert sizes and all(chart >= card - 40 for chart, card in sizes)
    lefts = page.eval_on_selector_all(
        ".result-block", "blocks => blocks.map(b => Math.round(b.getBoundingClientRect().left))")
    assert len(set(lefts)) == 2


def test_explanations_open_when_asked(results_page):
    page = results_page
    explanation = page.get_by_text("Leads lost in the period by the reason given")
    expect(explanation).to_be_hidden()

    page.locator("#lost-heading ~ details.explain summary").click()

    expect(explanation).to_be_visible()
    assert axe_violations(page) == []


def test_period_form_works_from_the_keyboard_without_script(browser_without_script, live_server,
                                                          people):
    page = browser_without_script
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email").fill(people.ana.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server.url}/results")

    page.get_by_label("Period", exact=True).focus()
    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label("First day").focus()
    page.keyboard.type("11/01/2026")
    page.get_by_label("Last day").focus()
    page.keyboard.type("11/30/2026")
    page.keyboard.press("Enter")

    page.wait_for_url("**/results?period=custom&from=2026-11-01&to=2026-11-30&owner_id=")
    assert page.get_by_role("heading", name="Won from Nov 1, 2026 to Nov 30, 2026").is_visible()
    assert page.get_by_text("€4,000.00", exact=True).first.is_visible()


@pytest.fixture
def browser_without_script(chromium, month):
    context = chromium.new_context(java_script_enabled=False, locale="en-US",
                                   viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("width", [375, 1366])
def test_a_year_month_by_month_names_its_months_whole_and_apart(page, month, width):
    from tests.factories import UserFactory

    log_in(page, UserFactory(locale="pt").email, open_board=False)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/results?period=custom&from=2026-01-01&to=2026-12-31")

    chart = page.locator("#chart-won").bounding_box()
    ticks = page.eval_on_selector_all("#chart-won text", """texts => texts.slice(1).map(t => {
        const box = t.getBoundingClientRect();
        return {text: t.textContent, left: box.left, right: box.right, top: box.top,
                height: box.height};
    })""")
    months = [tick for tick in ticks if not tick["text"].isdigit()]
    assert [tick["text"] for tick in months] == ["jan.", "mar.", "mai.", "jul.", "set.", "nov."]
    assert all(a["right"] < b["left"] for a, b in zip(months, months[1:], strict=False))
    assert all(chart["x"] <= t["left"] and t["right"] <= chart["x"] + chart["width"]
               for t in ticks)
    assert min(tick["height"] for tick in ticks) >= 10  # readable on a phone too
