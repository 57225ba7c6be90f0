"""An export carries the whole client base: only the roles in EXPORT_ROLES take one, and
every export is written down for the admins to look over."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy import select

from kanban.app import create_app
from kanban.extensions import db
from kanban.models import ExportRecord
from kanban.plugins import collect
from kanban.private_files import PRIVATE_MODE
from kanban.services.exports import record_export
from tests.conftest import RequestClient, log_in
from tests.factories import UserFactory

REFUSAL = "Exporting leads is kept to some roles"


def records() -> list[ExportRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(ExportRecord).order_by(ExportRecord.id)))


@pytest.mark.parametrize("path", ["/csv/export", "/csv/export/download?format=csv"])
def test_a_member_is_refused_an_export_with_a_403_in_plain_words(member_client, leads, path):
    response = member_client.get(path)
    assert response.status_code == 403
    assert REFUSAL in response.text
    assert records() == []


def test_the_board_hides_the_export_button_from_a_member(app, pipeline, member):
    with app.test_request_context("/board"):
        items = collect("kanban_ui_board_toolbar", pipeline=pipeline, user=member, filters={})
    assert items == []


def test_the_board_shows_a_manager_the_export_button(manager_client, pipeline):
    assert "/csv/export?pipeline_id=" in manager_client.get(f"/board?pipeline={pipeline.id}").text


def test_a_manager_download_is_recorded_with_its_filters_rows_and_format(
    manager_client, manager, leads
):
    response = manager_client.get("/csv/export/download",
                                  query_string={"format": "csv", "tag": "fair"})
    assert response.status_code == 200
    [record] = records()
    assert record.user_id == manager.id
    assert record.filters == {"tag": "fair"}
    assert record.row_count == 2  # the open leads tagged fair
    assert record.format == "csv"
    assert record.via == "web"


def test_opening_the_export_page_records_nothing(manager_client, leads):
    assert manager_client.get("/csv/export").status_code == 200
    assert records() == []


@pytest.fixture
def admins_only(app_config):
    application = create_app({**app_config, "EXPORT_ROLES": ["admin"]})
    application.test_client_class = RequestClient
    with application.app_context():
        db.create_all()
        yield application


def test_export_roles_can_keep_exports_to_admins(admins_only):
    manager, admin = UserFactory(role="manager"), UserFactory(role="admin")
    refused = log_in(admins_only.test_client(), manager).get("/csv/export")
    allowed = log_in(admins_only.test_client(), admin).get("/csv/export")
    assert (refused.status_code, allowed.status_code) == (403, 200)


def test_the_export_command_is_recorded_as_the_servers_command_line(runner, leads, tmp_path):
    result = runner.invoke(args=["export", str(tmp_path / "out.csv"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    [record] = records()
    assert (record.user_id, record.via, record.row_count) == (None, "command", 4)


def test_the_export_command_names_the_person_it_is_taken_as(runner, leads, manager, tmp_path):
    result = runner.invoke(args=["export", str(tmp_path / "out.csv"), "--as", manager.email])
    assert result.exit_code == 0, result.output
    assert records()[0].user_id == manager.id


def test_the_export_command_refuses_a_person_whose_role_may_not_export(
    runner, leads, member, tmp_path
):
    result = runner.invoke(args=["export", str(tmp_path / "out.csv"), "--as", member.email])
    assert result.exit_code != 0
    assert "EXPORT_ROLES" in result.output
    assert not (tmp_path / "out.csv").exists()
    assert records() == []


def test_the_admin_page_lists_exports_newest_first(admin_client, manager):
    record_export(user=manager, filters={"tag": "fair"}, row_count=3, format="excel")
    record_export(user=None, filters={}, row_count=9, format="tsv", via="command")
    page = admin_client.get("/admin/exports").text
    assert page.index("tsv") < page.index("excel")
    assert manager.name in page
    assert "Tag: fair" in page
    assert "The server's command line" in page


def test_the_admin_page_names_people_and_stages_not_their_ids(admin_client, manager, pipeline):
    record_export(user=manager, filters={"owner_id": str(manager.id), "status": "closed",
                                         "stage_id": "999999"}, row_count=3, format="excel")
    page = admin_client.get("/admin/exports").text
    assert f"Stage: #999999; Owner: {manager.name}; Status: All closed" in page


def test_the_admin_page_is_paged(app, admin_client, manager):
    app.config["EXPORT_RECORDS_PAGE_SIZE"] = 2
    for rows in (1, 2, 3):
        record_export(user=manager, filters={}, row_count=rows, format=f"format-{rows}")
    first = admin_client.get("/admin/exports").text
    second = admin_client.get("/admin/exports?page=2").text
    assert "format-3" in first and "format-2" in first and "format-1" not in first
    assert "format-1" in second and "Page 2 of 2" in second


def test_a_page_past_the_end_shows_the_last_one(app, admin_client, manager):
    record_export(user=manager, filters={}, row_count=1, format="csv")
    assert admin_client.get("/admin/exports?page=99").status_code == 200


def test_the_admin_tabs_link_the_exports(admin_client):
    assert 'href="/admin/exports"' in admin_client.get("/admin/team").text


def test_only_admins_see_the_record_of_exports(manager_client):
    assert manager_client.get("/admin/exports").status_code == 403


def test_the_export_command_writes_a_file_only_its_owner_can_read(runner, leads, tmp_path):
    runner.invoke(args=["export", str(tmp_path / "out.csv"), "--format", "csv"])

    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == PRIVATE_MODE


def test_an_export_over_a_readable_file_makes_it_private(runner, leads, tmp_path):
    (tmp_path / "out.csv").write_text("an older export")
    (tmp_path / "out.csv").chmod(0o644)

    runner.invoke(args=["export", str(tmp_path / "out.csv"), "--format", "csv"])

    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == PRIVATE_MODE
    assert "an older export" not in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
