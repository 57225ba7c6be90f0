"""An error page answering a form, in a real Chromium: "Go back to what you typed" brings the
form back as it was typed."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import LeadFactory


def edit_form(page, lead):
    return page.locator(f"form[action='/leads/{lead.id}/edit']")


def end_the_session_behind(form) -> None:
    """Make the form's token one of a session that has ended."""
    form.locator("input[name=csrf_token]").evaluate("input => { input.value = 'ended'; }")


def test_going_back_from_an_expired_form_finds_what_was_typed(page, seller, sales):
    lead = LeadFactory(title="Printer fleet", owner=seller, stage=sales.stages[0])
    log_in(page, seller.email, open_board=False)
    page.goto(f"/leads/{lead.id}/edit")
    page.locator("#description").fill("Three shops, one printer each.")
    end_the_session_behind(edit_form(page, lead))  # while the person types
    edit_form(page, lead).locator("button[type=submit]").first.click()

    back = page.get_by_role("link", name="Go back to what you typed")
    expect(back).to_be_visible()
    expect(page.get_by_role("link", name="Back to the page you were on")).to_be_hidden()
    expect(page.locator(".typed")).to_contain_text("Three shops, one printer each.")
    back.click()

    page.wait_for_url(f"**/leads/{lead.id}/edit")
    expect(page.locator("#description")).to_have_value("Three shops, one printer each.")


def test_without_history_the_link_to_the_form_is_offered(page, seller, sales):
    lead = LeadFactory(title="Printer fleet", owner=seller, stage=sales.stages[0])
    log_in(page, seller.email, open_board=False)
    page.goto(f"/leads/{lead.id}/edit")
    end_the_session_behind(edit_form(page, lead))
    # A form sent into a new tab: the error page has no history to go back to.
    edit_form(page, lead).evaluate("form => { form.target = '_blank'; }")
    with page.context.expect_page() as opened:
        edit_form(page, lead).locator("button[type=submit]").first.click()
    error_page = opened.value
    error_page.wait_for_load_state()

    expect(error_page.get_by_role("link", name="Back to the page you were on")).to_be_visible()
    expect(error_page.get_by_role("link", name="Go back to what you typed")).to_be_hidden()
