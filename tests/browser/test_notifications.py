"""The bell and the unassigned pool in a real Chromium: a new lead reaches the team, one
person takes it, the other is told who was first."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kanban.extensions import db
from kanban.models import Lead
from kanban.services.leads import create_lead
from tests.browser.conftest import log_in
from tests.factories import PipelineFactory, UserFactory


@pytest.fixture
def pipeline_only(app):
    return PipelineFactory(name="Sales", stages=["New", "Contacted", "Proposal"])


@pytest.fixture
def rita(app):
    return UserFactory(name="Rita Seller", email="rita@example.com", locale="en")


@pytest.fixture
def rui(app):
    return UserFactory(name="Rui Costa", email="rui@example.com", locale="en")


@pytest.fixture
def second_page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url,
                                   viewport={"width": 375, "height": 740})
    yield context.new_page()
    context.close()


def test_the_bell_counts_a_new_lead_and_opens_it(page, rita, rui, pipeline_only):
    log_in(page, rita.email, open_board=False)
    expect(page.locator(".bell-count")).to_have_count(0)
    lead = create_lead({"title": "Visitor from the site"}, user=None,
                       source="web form: Contact")
    page.reload()
    expect(page.locator(".bell-count")).to_contain_text("1")
    page.locator("a.bell").click()
    item = page.locator(".notification.is-unread .notification-open")
    expect(item).to_contain_text("New lead waiting for an owner: “Visitor from the site”.")
    item.click()
    page.wait_for_url(f"**/leads/{lead.id}")
    expect(page.locator(".bell-count")).to_have_count(0)


def test_two_people_take_the_same_lead_one_wins(page, second_page, rita, rui, pipeline_only):
    lead = create_lead({"title": "Quote request"}, user=None)
    log_in(page, rita.email, open_board=False)
    log_in(second_page, rui.email, open_board=False)
    for each in (page, second_page):
        expect(each.locator(".is-unassigned .agenda-item")).to_contain_text("Quote request")
    page.locator(".is-unassigned button.take-lead").click()
    expect(page.locator(".flash-success")).to_contain_text("“Quote request” is yours now.")
    expect(page.locator(".is-unassigned .agenda-item")).to_have_count(0)
    second_page.locator(".is-unassigned button.take-lead").click()
    expect(second_page.locator(".flash-error")).to_contain_text(
        "Rita Seller took “Quote request” first.")
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).owner_id == rita.id
    assert second_page.evaluate("document.documentElement.scrollWidth") <= 376


def test_take_it_works_from_the_keyboard(page, rita, pipeline_only):
    create_lead({"title": "Keyboard lead"}, user=None)
    log_in(page, rita.email, open_board=False)
    button = page.locator(".is-unassigned button.take-lead")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text("is yours now")


def test_the_bell_counts_a_new_lead_on_an_open_board_without_a_reload(board_page, sales):
    page = board_page
    expect(page.locator(".bell-count")).to_have_count(0)

    create_lead({"title": "Visitor from the site"}, user=None, source="web form: Contact")

    expect(page.locator(".card", has_text="Visitor from the site")).to_be_visible()
    expect(page.locator("a.bell .bell-count")).to_have_text("1 unread")
    expect(page.locator("a.bell")).to_have_class(re.compile(r"\bhas-unread\b"))
    expect(page.get_by_role("link", name=re.compile(r"^Notifications\s*1 unread$"))).to_be_visible()


def test_a_burst_of_new_leads_asks_for_the_bells_count_once_or_twice(board_page, sales):
    page = board_page
    asked = []
    page.on("request", lambda request: asked.append(request.url)
            if "/notifications/unread" in request.url else None)

    for number in range(6):
        create_lead({"title": f"Visitor {number}"}, user=None, source="web form: Contact")

    expect(page.locator(".card", has_text="Visitor 5")).to_be_visible()
    expect(page.locator("a.bell .bell-count")).to_have_text("6 unread", timeout=15000)
    page.wait_for_timeout(1500)  # anything asked late would be asked by now
    assert 1 <= len(asked) <= 2
