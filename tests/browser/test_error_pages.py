"""An error page answering a form, in a real Chromium: "Go back to what you typed" brings the
form back as it was typed."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from kanban.extensions import db
from tests.browser.conftest import log_in
from tests.factories import LeadFactory
from tests.live import on_path


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


@pytest.fixture
def app_config(app_config):
    """A write waits little for a lock, so a busy database answers 503 at once."""
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 100}


@contextmanager
def database_busy(app):
    """Another program holds the database's write lock."""
    db.session.commit()
    holder = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"),
                             isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


TYPED = {
    "#title": "Printer fleet",
    "#value": "12500",
    "#currency": "CHF",
    "#tags": "printers, retail",
    "#description": "Three shops, one printer each.",
    "#contact_name": "Ana Lima",
    "#company": "Lima Print",
    "#email": "ana@lima.example",
    "#phone": "+41 79 555 01 02",
    "#next_action_date": "2031-05-04",
    "#next_action_time": "09:30",
    "#next_action_text": "Send the quote",
}


def test_going_back_from_a_busy_database_finds_every_field_as_typed(app, page, seller, sales):
    log_in(page, seller.email, open_board=False)
    page.goto("/leads/new")
    for selector, text in TYPED.items():
        page.locator(selector).fill(text)
    page.locator("#stage_id").select_option(label="Contacted")
    page.locator("#priority").select_option("3")
    page.locator("#starred").check()
    page.locator("#next_action_kind").select_option("standby")

    with database_busy(app):
        page.get_by_role("button", name="Create the lead").click()
        expect(page.locator(".error-code")).to_have_text("503")
        page.get_by_role("link", name="Go back to what you typed").click()
        page.wait_for_url(on_path("/leads/new"))

    for selector, text in TYPED.items():
        expect(page.locator(selector)).to_have_value(text)
    expect(page.locator("#stage_id option:checked")).to_have_text("Contacted")
    expect(page.locator("#priority")).to_have_value("3")
    expect(page.locator("#starred")).to_be_checked()
    expect(page.locator("#next_action_kind")).to_have_value("standby")
