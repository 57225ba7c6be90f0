"""Browser fixtures: a logged-in page on a small board, helpers to drag with a real mouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from kanban.extensions import db
from kanban.models import Lead
from tests.factories import PASSWORD, LeadFactory, PipelineFactory, UserFactory
from tests.live import log_in as log_in_to_agenda
from tests.live import require_chromium, require_test_assets

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _assets_fetched():
    require_chromium()
    require_test_assets("Sortable.min.js", "axe.min.js")


@pytest.fixture
def app_config(app_config):
    """Browser tests keep CSRF on: the board must send the session's token."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def seller(app):
    return UserFactory(name="Rita Seller", email="rita@example.com")


@pytest.fixture
def sales(app):
    """A pipeline with three stages and a few leads of a colleague's: New [A, B, C],
    Contacted [D, E]."""
    pipeline = PipelineFactory(name="Sales", stages=["New", "Contacted", "Proposal"])
    new, contacted, _proposal = pipeline.stages
    colleague = UserFactory(name="Carla Colleague", email="carla@example.com")
    for title in ("Alpha", "Bravo", "Charlie"):
        LeadFactory(title=title, stage=new, company=f"{title} Ltd", contact_name="Sam Doe",
                    owner=colleague)
    for title in ("Delta", "Echo"):
        LeadFactory(title=title, stage=contacted, company=f"{title} Ltd", contact_name="Sam Doe",
                    owner=colleague)
    return pipeline


def log_in(page, email: str, password: str = PASSWORD, *, open_board: bool = True) -> None:
    """Log in through the real login form (landing on the agenda), then open the board."""
    log_in_to_agenda(page, email, password)
    if open_board:
        page.goto("/board")


@pytest.fixture
def board_page(page, seller, sales):
    log_in(page, seller.email)
    page.wait_for_function("() => document.body.dataset.boardReady === '1'")
    return page


def card(page, title: str):
    return page.locator(".card", has=page.locator(".card-title", has_text=title))


def column_titles(page, stage_name: str) -> list[str]:
    column = page.locator(".column", has=page.locator("h2", has_text=stage_name))
    return [t.strip() for t in column.locator(".card-title").all_inner_texts()]


def grab_point(locator) -> tuple[float, float]:
    """A point on the card's body, away from the title link."""
    box = locator.bounding_box()
    return box["x"] + 12, box["y"] + box["height"] - 8


def drag_to(page, source, target, where: str = "below") -> None:
    """Press on the card, move like a hand would, and release once the card sits
    ``where`` ("below" or "above") the target card."""
    moving, beside = source.element_handle(), target.element_handle()
    sx, sy = grab_point(source)
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(sx + 6, sy + 6, steps=3)
    check = (
        "([card, other, where]) => where === 'below'"
        " ? card.previousElementSibling === other : card.nextElementSibling === other"
    )
    for attempt in range(6):  # the other cards make room as the card travels
        box = beside.bounding_box()
        share = 0.85 if where == "below" else 0.15
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * share
        page.mouse.move(x, y + (attempt % 2) * 3, steps=8)
        page.wait_for_timeout(200)
        if page.evaluate(check, [moving, beside, where]):
            break
    page.mouse.up()


def db_order(stage_id: int) -> list[str]:
    db.session.expire_all()
    return [
        lead.title
        for lead in db.session.query(Lead)
        .filter(Lead.stage_id == stage_id, Lead.status == "open")
        .order_by(Lead.rank)
    ]


ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def drag_to_zone(page, source, status: str) -> None:
    """Drag a card onto the Won or Lost zone that appears while dragging."""
    sx, sy = grab_point(source)
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(sx + 8, sy + 8, steps=4)
    zone = page.locator(f".zone-list[data-status='{status}']")
    zone.wait_for(state="visible")
    box = zone.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for attempt in range(3):
        page.mouse.move(x, y + attempt * 3, steps=10)
        page.wait_for_timeout(150)
    page.mouse.up()


def settled(page) -> None:
    """Wait until no move is being saved."""
    page.wait_for_function("() => !document.querySelector('.card.is-saving')")
