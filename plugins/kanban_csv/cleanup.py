"""Uploaded prospect lists that were never imported, and exports prepared in the background,
are removed after a day."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from kanban.extensions import db
from kanban.instance import private_folder
from kanban.models.base import utcnow
from kanban_csv.models import CsvImport

KEEP_UPLOADS_FOR = timedelta(days=1)


def upload_folder() -> Path:
    """The owner-only folder uploaded files wait in until they are imported."""
    return private_folder(Path(current_app.instance_path) / "csv-imports")


def export_folder() -> Path:
    """The owner-only folder where exports prepared in the background wait to be taken."""
    return private_folder(Path(current_app.instance_path) / "csv-exports")


def remove_stale_exports(older_than: timedelta = KEEP_UPLOADS_FOR) -> int:
    """Remove prepared exports older than ``older_than``; return how many files went."""
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for path in export_folder().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def remove_stale_uploads(older_than: timedelta = KEEP_UPLOADS_FOR) -> int:
    """Remove unimported uploads older than ``older_than``; return how many files went."""
    folder = upload_folder()
    stale = db.session.scalars(
        select(CsvImport).where(CsvImport.stored_name != "",
                                CsvImport.created_at < utcnow() - older_than)
    ).all()
    removed = 0
    for record in stale:
        path = folder / record.stored_name
        if path.exists():
            path.unlink()
            removed += 1
        record.stored_name = ""
    db.session.commit()
    cutoff = time.time() - older_than.total_seconds()
    for path in folder.glob("*.csv"):  # files whose upload never reached the database
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
