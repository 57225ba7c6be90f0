"""A salesperson works a prospect list in Chromium from the keyboard: row to row on the list,
a row set aside as not interested, the next one made a lead; the pages pass axe and fit a
phone."""

from __future__ import annotations

import pytest
from kanban_prospects.models import ProspectRow
from playwright.sync_api import expect

from kanban.extensions import db
from kanban.models import Lead
from tests.live import axe_violations, log_in, on_path, require_test_assets

pytestmark = pytest.mark.browser

FOCUSED_ROW = """() => {
  const el = document.activeElement;
  return el && el.classList.contains('row-link') ? el.closest('tr').id : null;
}"""


@pytest.fixture(autouse=True)
def _axe_fetched():
    require_test_assets("axe.min.js")


@pytest.fixture
def app_config(app_config):
    """CSRF stays on: the forms must carry the session's token."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def fair(make_list, fair_rows, pipeline):
    """The trade-fair list (three rows) with the Sales pipeline to make leads in."""
    plist = make_list(fair_rows)
    rows = db.session.query(ProspectRow).filter_by(list_id=plist.id).order_by(
        ProspectRow.position).all()
    return plist, [row.id for row in rows]


def tab_to(page, test: str, most: int = 80) -> None:
    """Press Tab until ``test`` (a script given the focused element) says yes."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {test}; }}"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def row_status(row_id: int) -> tuple[str, str, int | None]:
    db.session.expire_all()
    row = db.session.get(ProspectRow, row_id)
    return row.status, row.reason, row.lead_id


def test_a_list_is_worked_from_the_keyboard(page, member, fair):
    plist, (first, second, third) = fair
    log_in(page, member.email)
    page.goto(f"/prospects/{plist.id}")

    tab_to(page, "el.classList.contains('row-link')")
    assert page.evaluate(FOCUSED_ROW) == f"row-{first}"
    page.keyboard.press("ArrowDown")
    assert page.evaluate(FOCUSED_ROW) == f"row-{second}"
    page.keyboard.press("j")
    assert page.evaluate(FOCUSED_ROW) == f"row-{third}"
    page.keyboard.press("j")  # the last row keeps the focus
    assert page.evaluate(FOCUSED_ROW) == f"row-{third}"
    page.keyboard.press("ArrowUp")
    assert page.evaluate(FOCUSED_ROW) == f"row-{second}"
    page.keyboard.press("k")
    assert page.evaluate(FOCUSED_ROW) == f"row-{first}"
    page.keyboard.press("k")  # so does the first
    assert page.evaluate(FOCUSED_ROW) == f"row-{first}"

    page.keyboard.press("Enter")
    page.wait_for_url(on_path(f"/prospects/rows/{first}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Padaria Lisboa")

    # Not interested, with a reason, then straight on to the next row.
    page.locator("#reason").focus()
    page.keyboard.type("Too small for us")
    tab_to(page, "el.textContent.trim() === 'Not interested, then the next row'", most=5)
    page.keyboard.press("Space")
    page.wait_for_url(on_path(f"/prospects/rows/{second}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ferramenta Milano")
    assert row_status(first) == ("not_interested", "Too small for us", None)

    # The next row becomes a lead in the stage chosen.
    stage = page.locator("#lead-stage")
    stage.focus()
    stage.select_option(label="Contacted")
    tab_to(page, "el.textContent.trim() === 'Make a lead'", most=5)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/leads/" in url)
    lead_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ferramenta Milano")
    db.session.expire_all()
    lead = db.session.get(Lead, lead_id)
    assert (lead.title, lead.stage.name) == ("Ferramenta Milano", "Contacted")
    assert row_status(second) == ("lead", "", lead_id)

    # The list shows where each row stands.
    page.goto(f"/prospects/{plist.id}")
    expect(page.locator(f"#row-{first}")).to_contain_text("Not interested · Too small for us")
    expect(page.locator(f"#row-{second}")).to_contain_text("Became a lead")
    expect(page.locator(f"#row-{third}")).to_contain_text("To contact")


@pytest.mark.parametrize("width", [1366, 375])
def test_the_list_and_a_row_pass_axe_and_fit_the_screen(page, member, fair, width):
    plist, (first, _second, _third) = fair
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, member.email)
    for path in (f"/prospects/{plist.id}", f"/prospects/rows/{first}"):
        page.goto(path)
        assert axe_violations(page) == [], path
        if width == 375:
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
