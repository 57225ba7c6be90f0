"""A person filters the board, clicks Export, and gets exactly those leads in a file."""

from __future__ import annotations

import pytest

from tests.csv.conftest import parse
from tests.live import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config):
    """Keep CSRF on, as in production: the login form must send its token."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_export_button_downloads_the_filtered_boards_leads(page, leads, manager, tmp_path):
    log_in(page, manager.email)
    page.goto("/board?tag=fair")

    page.get_by_role("link", name="Export").click()
    page.wait_for_url("**/csv/export**")
    page.get_by_label("Excel (UTF-8 with BOM").check()
    page.get_by_label("Language of the numbers (Excel)").select_option("pt")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = parse(raw, ";")
    title, value = rows[0].index("Title"), rows[0].index("Value")
    assert sorted((row[title], row[value]) for row in rows[1:]) == [
        ("Padaria São João", "1500,50"), ("Компания Ромашка", "2000,00")]
    assert path.name.endswith(".csv")
