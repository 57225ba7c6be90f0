"""The follow-up pages around the agenda in a real Chromium: a sorted board, handing
leads over from the team page, and accessibility and the phone layout of every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Client, Lead
from kanban.models.base import today, utcnow
from kanban.services.queries import sort_leads
from tests.browser.conftest import ARTIFACTS, card, column_titles, drag_to, log_in, settled
from tests.factories import ActivityFactory, LeadFactory, UserFactory
from tests.live import axe_violations

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def boss(app):
    return UserFactory(name="Maya Manager", email="maya@example.com", role="manager",
                       locale="en")


@pytest.fixture
def omar(app):
    return UserFactory(name="Omar Other", email="omar@example.com", locale="en")


@pytest.fixture
def dusty(seller, sales):
    """Three of Rita's leads nobody has touched for a month, in a stage that allows a week."""
    new = sales.stages[0]
    new.stale_days = 7
    db.session.commit()
    month_ago = utcnow() - timedelta(days=30)
    return [
        LeadFactory(title=f"Dusty {n}", owner=seller, stage=new, touched_at=month_ago,
                    next_action_kind="todo", next_action_date=today() - timedelta(days=n))
        for n in (1, 2, 3)
    ]


@pytest.fixture
def folder(boss, sales, dusty):
    """A client folder rated B with a won deal, a lost one, a proposal and an overdue renewal."""
    _new, contacted, proposal = sales.stages
    acme = Client(name="Acme Group", rating="B", notes="Buys every spring.")
    db.session.add(acme)
    db.session.commit()
    LeadFactory(title="Acme first order", owner=boss, stage=contacted, client=acme,
                status="won", closed_at=utcnow() - timedelta(days=300))
    LeadFactory(title="Acme spare parts", owner=boss, stage=contacted, client=acme,
                status="lost", lost_reason="Price: cheaper abroad",
                closed_at=utcnow() - timedelta(days=100))
    LeadFactory(title="Acme extension", owner=boss, stage=proposal, client=acme, priority=1,
                next_action_kind="standby", next_action_date=today() + timedelta(days=5))
    renewal = LeadFactory(title="Acme renewal", owner=boss, stage=contacted, client=acme,
                          starred=True, phone="+351 912 345 678",
                          next_action_kind="todo", next_action_date=today() - timedelta(days=2),
                          next_action_text="Call back about the quote")
    ActivityFactory(lead=renewal, kind="call", author=boss,
                    body="Asked for the new price list before the board meets.")
    LeadFactory(title="Solo prospect", owner=boss, stage=contacted, priority=3,
                next_action_kind="todo", next_action_date=today())
    return acme


# ---------------------------------------------------------------------------
# A sorted board
# ---------------------------------------------------------------------------


@pytest.fixture
def sorted_board(board_page):
    page = board_page
    page.goto("/board?sort=priority")
    page.wait_for_function("() => document.body.dataset.boardReady === '1'")
    expect(page.locator("#board")).to_have_attribute("data-sorted", "")
    return page


def is_move(request) -> bool:
    return request.method == "POST" and request.url.endswith("/move")


def test_a_card_dragged_to_another_column_of_a_sorted_board_is_saved(sorted_board, sales):
    page = sorted_board
    contacted = sales.stages[1]

    with page.expect_request(is_move) as sent:
        drag_to(page, card(page, "Bravo"), card(page, "Delta"), "below")
    settled(page)

    assert set(sent.value.post_data_json) == {"stage_id", "version"}  # no neighbours
    assert sent.value.post_data_json["stage_id"] == contacted.id
    assert "Bravo" in column_titles(page, "Contacted")
    assert "Bravo" not in column_titles(page, "New")
    db.session.expire_all()
    assert db.session.query(Lead).filter_by(title="Bravo").one().stage_id == contacted.id
    in_order = [lead.title for lead in db.session.scalars(sort_leads(
        select(Lead).where(Lead.stage_id == contacted.id, Lead.status == "open"), "priority"))]
    cards = page.locator(".column", has=page.locator("h2", has_text="Contacted")) \
        .locator(".card-title")
    # The column is fetched again after the drop: without a reload it shows the sorted
    # order the server gives, as a reload does.
    expect(cards).to_have_text(in_order)
    page.reload()
    expect(cards).to_have_text(in_order)


def test_a_sorted_column_cannot_be_reordered_by_hand(sorted_board, sales):
    page = sorted_board
    before = column_titles(page, "New")
    moves = []
    page.on("request", lambda request: moves.append(request) if is_move(request) else None)

    drag_to(page, card(page, before[-1]), card(page, before[0]), "above")
    settled(page)

    assert column_titles(page, "New") == before
    assert moves == []


# ---------------------------------------------------------------------------
# The team page
# ---------------------------------------------------------------------------


def test_a_manager_hands_two_stale_leads_to_someone_else(page, boss, omar, seller, dusty):
    log_in(page, boss.email, open_board=False)
    page.goto("/team")

    page.get_by_role("link", name="Rita Seller: 3 stale").click()

    page.wait_for_url(re.compile(rf"/team/leads\?owner_id={seller.id}&attention=stale$"))
    page.get_by_role("checkbox", name="Dusty 1", exact=True).check()
    page.get_by_role("checkbox", name="Dusty 3", exact=True).check()
    page.get_by_label("Give the ticked leads to").select_option(label="Omar Other")
    page.get_by_role("button", name="Hand them over").click()

    expect(page.locator(".flash")).to_have_text("2 leads are now Omar Other's.")
    assert re.search(rf"/team/leads\?owner_id={seller.id}&attention=stale$", page.url)
    expect(page.get_by_role("checkbox", name="Dusty 2", exact=True)).to_be_visible()
    expect(page.get_by_role("checkbox", name="Dusty 1", exact=True)).to_have_count(0)
    db.session.expire_all()
    owners = {lead.title: lead.owner_id for lead in db.session.query(Lead).filter(
        Lead.title.like("Dusty %"))}
    assert owners == {"Dusty 1": omar.id, "Dusty 2": seller.id, "Dusty 3": omar.id}


def test_tick_every_lead_ticks_the_whole_list(page, boss, dusty):
    log_in(page, boss.email, open_board=False)
    page.goto("/team/leads?attention=stale")
    page.wait_for_load_state()
    boxes = page.locator("input[name='lead_ids']")
    expect(boxes).to_have_count(3)

    page.get_by_label("Tick every lead").check()

    for box in boxes.all():
        expect(box).to_be_checked()
    page.get_by_label("Tick every lead").uncheck()
    for box in boxes.all():
        expect(box).not_to_be_checked()


# ---------------------------------------------------------------------------
# Accessibility and the phone layout
# ---------------------------------------------------------------------------


def open_agenda(page, folder):
    page.goto("/agenda")
    page.wait_for_function("() => document.body.dataset.touchReady === '1'")
    expect(page.locator("li.agenda-item")).to_have_count(3)


def open_touch_form(page, folder):
    open_agenda(page, folder)
    renewal = page.locator("li.agenda-item", has_text="Acme renewal")
    renewal.locator("a.log-touch").click()
    expect(renewal.locator("form.touch-form")).to_be_visible()
    renewal.get_by_label("How many").fill("6")  # shows the two-thirds suggestion too


def open_refused_touch(page, folder):
    open_agenda(page, folder)
    renewal = page.locator("li.agenda-item", has_text="Acme renewal")
    renewal.locator("a.log-touch").click()
    renewal.get_by_label("What happened").fill("No answer.")
    renewal.get_by_role("button", name="Save and go on").click()  # no follow-up chosen
    expect(renewal.get_by_role("alert")).to_be_visible()


def open_lead(page, folder):
    lead = db.session.query(Lead).filter_by(title="Acme renewal").one()
    page.goto(f"/leads/{lead.id}")
    expect(page.get_by_role("heading", name="Client folder")).to_be_visible()
    page.get_by_text("Duplicate for a renewal or an upsell").click()
    expect(page.get_by_role("button", name="Create the new lead")).to_be_visible()


PAGES = {
    "agenda": open_agenda,
    "agenda-touch-form": open_touch_form,
    "agenda-refused": open_refused_touch,
    "clients": lambda page, folder: page.goto("/clients"),
    "client": lambda page, folder: page.goto(f"/clients/{folder.id}"),
    "team": lambda page, folder: page.goto("/team"),
    "team-stale": lambda page, folder: page.goto("/team/leads?attention=stale"),
    "lead": open_lead,
}


@pytest.fixture(params=list(PAGES))
def shown(request, page, boss, folder):
    """The page named by the parameter, as the manager sees it, ready to look at."""
    log_in(page, boss.email, open_board=False)
    return request.param, lambda: PAGES[request.param](page, folder)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_follow_up_page_passes_axe(page, shown, viewport):
    _name, show = shown
    page.set_viewport_size(viewport)
    show()
    page.wait_for_load_state()

    assert axe_violations(page) == []


def test_follow_up_page_fits_a_phone_without_scrolling_sideways(page, shown):
    name, show = shown
    page.set_viewport_size(PHONE)
    show()
    page.wait_for_load_state()
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}-375.png"

    page.screenshot(path=str(path), full_page=True)

    assert path.stat().st_size > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
