"""A salesperson imports a long prospect list in Chromium: the bar grows, then the report."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Lead
from tests.browser.conftest import ARTIFACTS
from tests.live import axe_violations, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_a_long_import_runs_in_the_background_with_its_bar_then_its_report(
    page, pipeline, member, tmp_path
):
    rows = 2_600  # more than CSV_IMPORT_INLINE_ROWS: a background job
    path = tmp_path / "fair.csv"
    path.write_text("Name;Company;Email\n" + "".join(
        f"Person {i};Firm {i};p{i}@firm{i}.example\n" for i in range(rows)))
    log_in(page, member.email)
    page.goto("/csv/import")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/csv/import/*")
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url("**/jobs/*")
    expect(page.get_by_role("heading", name="Import of leads from a spreadsheet")).to_be_visible()
    outcome = page.get_by_role("link", name="See the outcome")
    expect(outcome).to_be_visible(timeout=60_000)  # the page followed the job by itself
    assert page.evaluate("document.getElementById('job-progress').value") == 100
    expect(page.locator("#job-status")).to_have_text("Done")
    expect(page.locator("#job-cancel")).to_have_count(0)
    assert axe_violations(page) == []
    outcome.click()
    expect(page.get_by_text(f"Created: {rows:,} in")).to_be_visible()
    assert db.session.scalar(select(func.count(Lead.id))) == rows
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1366, 375])
def test_a_wide_files_mapping_fits_the_screen(page, pipeline, manager, tmp_path, width):
    """Twenty columns with long names: one row per column, nothing cut off, no page that
    scrolls sideways, and the manager's people tick boxes line up."""
    header = [f"Column with a rather long name number {i}" for i in range(20)]
    path = tmp_path / "wide.csv"
    path.write_text(";".join(header) + "\n" + ";".join(
        f"value {i} of a long first row" for i in range(20)) + "\n")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, manager.email)
    page.goto("/csv/import")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/csv/import/*")
    page.screenshot(path=str(ARTIFACTS / f"csv-import-map-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("select[name^=map_]").count() == 20
    for field in page.locator("select[name^=map_]").all():
        box = field.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert axe_violations(page) == []
