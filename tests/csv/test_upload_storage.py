"""Uploaded lists are kept owner-only, and removed when they wait a day without an import."""

from __future__ import annotations

import os
import stat
import time
from datetime import timedelta
from pathlib import Path

from kanban_csv.models import CsvImport

from kanban.extensions import db
from kanban.models.base import utcnow
from tests.csv.test_import_pages import PROSPECTS, upload

DAY = 24 * 60 * 60


def uploads_folder(app) -> Path:
    return Path(app.instance_path) / "csv-imports"


def latest_upload(app) -> tuple[CsvImport, Path]:
    record = db.session.query(CsvImport).order_by(CsvImport.id.desc()).first()
    return record, uploads_folder(app) / record.stored_name


def age(record: CsvImport, path: Path, seconds: int) -> None:
    record.created_at = utcnow() - timedelta(seconds=seconds)
    db.session.commit()
    os.utime(path, (time.time() - seconds, time.time() - seconds))


def test_uploaded_file_and_its_folder_are_readable_by_their_owner_only(app, member_client,
                                                                        pipeline):
    upload(member_client, PROSPECTS.encode())

    _record, path = latest_upload(app)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(uploads_folder(app).stat().st_mode) == 0o700


def test_opening_the_import_page_removes_uploads_older_than_a_day(app, member_client, pipeline):
    upload(member_client, PROSPECTS.encode())
    record, path = latest_upload(app)
    age(record, path, DAY + 60)

    member_client.get("/csv/import")

    assert not path.exists()
    db.session.refresh(record)
    assert record.stored_name == ""


def test_uploads_younger_than_a_day_stay(app, member_client, pipeline):
    upload(member_client, PROSPECTS.encode())
    record, path = latest_upload(app)
    age(record, path, DAY - 600)

    member_client.get("/csv/import")

    assert path.exists()


def test_a_removed_upload_asks_to_upload_again(app, member_client, pipeline):
    location = upload(member_client, PROSPECTS.encode()).headers["Location"]
    record, path = latest_upload(app)
    age(record, path, DAY + 60)
    member_client.get("/csv/import")

    page = member_client.get(location)

    assert "waited more than a day without being imported" in page.text


def test_cleanup_command_removes_old_files_without_a_record(app):
    folder = uploads_folder(app)
    folder.mkdir(exist_ok=True)
    orphan, fresh = folder / "orphan.csv", folder / "fresh.csv"
    orphan.write_text("a,b\n")
    fresh.write_text("a,b\n")
    os.utime(orphan, (time.time() - DAY - 60, time.time() - DAY - 60))

    result = app.test_cli_runner().invoke(args=["csv-cleanup"])

    assert result.exit_code == 0
    assert "Removed 1 unimported upload(s) and 0 prepared export(s)." in result.output
    assert not orphan.exists()
    assert fresh.exists()


def test_cleanup_command_removes_exports_prepared_more_than_a_day_ago(app):
    folder = Path(app.instance_path) / "csv-exports"
    folder.mkdir(parents=True, exist_ok=True)
    old, fresh = folder / "1-old.csv", folder / "2-fresh.csv"
    old.write_text("a,b\n")
    fresh.write_text("a,b\n")
    os.utime(old, (time.time() - DAY - 60, time.time() - DAY - 60))

    result = app.test_cli_runner().invoke(args=["csv-cleanup"])

    assert "and 1 prepared export(s)." in result.output
    assert not old.exists() and fresh.exists()
