"""An uploaded prospect list: its stored file, the settings chosen for it, its report."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from kanban.extensions import db
from kanban.models import Stage
from kanban.models.base import utcnow
from kanban.tables.reading import DELIMITERS, CsvProblem, Table, open_table
from kanban.tables.reading import estimated_rows as count_rows
from kanban_csv.cleanup import upload_folder
from kanban_csv.importer import (
    ImportReport,
    ImportSettings,
    Rejected,
    kept_rejected,
    read_rejected,
)
from kanban_csv.models import CsvImport

SHOWN_REJECTED = 100  # rows of a report shown on its page; the download has them all
DEFAULT_INLINE_ROWS = 2000  # a list this short is imported while the page waits


def inline_rows() -> int:
    """Lists with more rows than this are imported as a background job."""
    return int(current_app.config.get("CSV_IMPORT_INLINE_ROWS", DEFAULT_INLINE_ROWS))


def known_encoding(name: str | None) -> str | None:
    """Return the encoding the person chose if Python knows it, else None (detect)."""
    if not name:
        return None
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def open_record(record: CsvImport, values) -> Table:
    """Open the stored file with the encoding and separator chosen (``values``: a form,
    query arguments or a job's parameters)."""
    path = upload_folder() / record.stored_name
    if not record.stored_name or not path.exists():
        if record.status == "imported":
            raise CsvProblem(_("This file was already imported. Upload it again to import it "
                               "anew."))
        raise CsvProblem(_("This file was removed because it waited more than a day without "
                           "being imported. Upload it again to import it."))
    delimiter = values.get("delimiter") or None
    return open_table(path, known_encoding(values.get("encoding")),
                      delimiter if delimiter in DELIMITERS else None)


def estimated_rows(record: CsvImport) -> int:
    """About how many rows the stored file has, for the progress bar."""
    return count_rows(upload_folder() / record.stored_name)


def settings_params(settings: ImportSettings, values) -> dict[str, Any]:
    """The settings as plain values: a job's parameters, a report's address."""
    return {"mapping": list(settings.mapping), "stage_id": settings.stage.id,
            "owner_ids": list(settings.owner_ids), "tags": list(settings.tags),
            "source": settings.source, "encoding": values.get("encoding") or "",
            "delimiter": values.get("delimiter") or ""}


def settings_from(params: dict[str, Any]) -> ImportSettings:
    stage = db.session.get(Stage, params["stage_id"])
    if stage is None:
        raise CsvProblem(_("The stage chosen for the new leads no longer exists."))
    return ImportSettings(mapping=params["mapping"], stage=stage, owner_ids=params["owner_ids"],
                          tags=params["tags"], source=params["source"])


def finish(record: CsvImport, table: Table, report: ImportReport, stage: Stage) -> ImportReport:
    """Keep the report; after a real import the uploaded file is no longer needed."""
    record.rejected_csv = kept_rejected(report.rejected, table.header)
    record.counts = {**report.counts(), "stage_id": stage.id}
    record.status = "checked" if report.dry_run else "imported"
    record.finished_at = utcnow()
    if not report.dry_run and not report.failure:
        (upload_folder() / record.stored_name).unlink(missing_ok=True)
        record.stored_name = ""
    db.session.commit()
    return report


@dataclass
class StoredReport:
    """A finished import's report read back from its record (its page after a job)."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    invalid: int = 0
    failure: str = ""
    folder_count: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @classmethod
    def of(cls, record: CsvImport) -> StoredReport:
        counts = record.counts or {}
        _header, rows = read_rejected(record.rejected_csv)
        rejected = list(islice(rows, SHOWN_REJECTED + 1))
        return cls(dry_run=bool(counts.get("dry_run")), rows=counts.get("rows", 0),
                   created=counts.get("created", 0), duplicates=counts.get("duplicates", 0),
                   invalid=counts.get("invalid", 0), failure=counts.get("failure", ""),
                   folder_count=counts.get("folders", 0), rejected=rejected)


IMPORTING = "importing"


def claim_for_import(record: CsvImport) -> bool:
    """Mark the upload as being imported, unless it already is: a double click, or the same
    page posted twice, starts one import, never two that would each create the rows."""
    taken = db.session.execute(
        update(CsvImport).where(CsvImport.id == record.id, CsvImport.status != IMPORTING)
        .values(status=IMPORTING), execution_options={"synchronize_session": False})
    db.session.commit()
    db.session.refresh(record)
    return taken.rowcount == 1


def release(record: CsvImport) -> None:
    """Let an import that stopped before its report be started again."""
    db.session.rollback()
    db.session.execute(
        update(CsvImport).where(CsvImport.id == record.id, CsvImport.status == IMPORTING)
        .values(status="uploaded"), execution_options={"synchronize_session": False})
    db.session.commit()


def latest_imports(user_id: int, limit: int = 10) -> list[CsvImport]:
    return list(db.session.scalars(
        select(CsvImport).where(CsvImport.user_id == user_id)
        .order_by(CsvImport.id.desc()).limit(limit)))
