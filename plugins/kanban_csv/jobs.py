"""Big imports (or checks) of prospect lists and big exports of leads run as background
jobs, with their progress."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kanban.extensions import db
from kanban.instance import private_file
from kanban.jobs import JobCancelled, JobContext, JobKind
from kanban.models import Job
from kanban.models.base import today
from kanban.services.exports import record_export
from kanban.services.queries import LeadFilter
from kanban_csv.cleanup import export_folder
from kanban_csv.export import (
    DEFAULT_COLUMNS,
    count_leads,
    export_formats,
    header_of,
    iter_rows,
    resolve_columns,
)
from kanban_csv.importer import ImportReport, import_steps
from kanban_csv.models import CsvImport
from kanban_csv.uploads import estimated_rows, finish, open_record, release, settings_from

IMPORT, EXPORT = "csv.import", "csv.export"
EXPORT_STEP = 500  # rows between two progress reports of an export


def running_import(record: CsvImport) -> Job | None:
    """The import job of this upload still waiting or running, if any."""
    recent = db.session.scalars(select(Job).where(Job.kind == IMPORT,
                                                  Job.user_id == record.user_id)
                                .order_by(Job.id.desc()).limit(20))
    return next((job for job in recent
                 if not job.finished and job.params.get("import_id") == record.id), None)


def run_import_job(context: JobContext) -> dict[str, Any]:
    params = context.params
    record = db.session.get(CsvImport, params["import_id"])
    if record is None:
        raise LookupError("The uploaded list is gone")
    try:
        return _import(context, record)
    except JobCancelled:
        raise  # its report says where it stopped
    except BaseException:
        if not params["dry_run"]:
            release(record)
        raise


def release_cancelled_import(job: Job) -> None:
    """An import cancelled before it started: its upload may be imported again."""
    record = db.session.get(CsvImport, job.params.get("import_id"))
    if record is not None and not job.params.get("dry_run"):
        release(record)


def _import(context: JobContext, record: CsvImport) -> dict[str, Any]:
    params = context.params
    table = open_record(record, params)
    settings = settings_from(params)
    report = ImportReport(dry_run=params["dry_run"])
    total = estimated_rows(record)
    context.progress(0, total)
    steps = import_steps(table, settings, user=context.user, dry_run=report.dry_run,
                         report=report)
    read = 0
    try:
        while True:
            try:
                read += next(steps)
            except StopIteration:
                break
            context.progress(read, total)
    except JobCancelled:
        steps.close()  # the rows read before the stop are written
        report.failure = _(
            "Stopped at your request after row %(row)s. The rows before it were checked "
            "and, unless this was a check, imported; import the file again to finish: they "
            "will be reported as duplicates.", row=format_number(report.last_row))
        finish(record, table, report, settings.stage)
        raise
    finish(record, table, report, settings.stage)
    counts = report.counts()
    return {**counts, "message": describe_import(counts)}


def describe_import(result: dict[str, Any]) -> str:
    """What an import (or a check) made of the file, in the reader's words."""
    counts = {"created": format_number(result.get("created", 0)),
              "left": format_number(result.get("duplicates", 0) + result.get("invalid", 0))}
    said = (_("Would be created: %(created)s; left out: %(left)s", **counts)
            if result.get("dry_run") else _("Created: %(created)s; left out: %(left)s", **counts))
    if result.get("failure"):  # the outcome names the line it stopped at
        return _("Stopped before the end of the file (see the outcome). %(counts)s",
                 counts=said)
    return said


def describe_export(result: dict[str, Any]) -> str:
    """How many rows an export wrote, in the reader's words."""
    return _("Rows: %(count)s", count=format_number(result.get("rows", 0)))


def report_url(job: Job) -> str | None:
    params = job.params
    if "import_id" not in params or job.status == "failed":
        return None  # nothing was reported
    args = {f"map_{i}": target for i, target in enumerate(params.get("mapping", []))}
    args.update(stage_id=params.get("stage_id"), owner=params.get("owner_ids", []),
                tags=",".join(params.get("tags", [])), encoding=params.get("encoding"),
                delimiter=params.get("delimiter"), submitted=1)
    return url_for("csv.import_report", import_id=params["import_id"],
                   **{k: v for k, v in args.items() if v not in (None, "")})


def run_export_job(context: JobContext) -> dict[str, Any]:
    """Write the export to a file of its own, a batch at a time, for its page to offer."""
    params = context.params
    filters = LeadFilter.from_args(params["filters"])
    fmt = export_formats()[params["format"]]
    columns = resolve_columns(params["columns"]) or resolve_columns(DEFAULT_COLUMNS)
    total = count_leads(filters)
    record_export(user=context.user, filters=filters.to_args(), row_count=total,
                  format=fmt.key)
    context.progress(0, total)
    path = export_folder() / f"{context.job_id}-{uuid.uuid4().hex}.{fmt.extension}"
    written = 0

    def counted(rows):
        nonlocal written
        for row in rows:
            yield row
            written += 1
            if written % EXPORT_STEP == 0:
                context.progress(written, total)

    try:
        with private_file(path).open("wb") as out:
            for chunk in fmt.render(header_of(columns), counted(iter_rows(filters, columns)),
                                    {"locale": params.get("locale") or "en"}):
                out.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    except BaseException:
        path.unlink(missing_ok=True)  # a cancelled or failed export leaves no half file
        raise
    name = f"leads-{today().isoformat()}.{fmt.extension}"
    return {"file": path.name, "name": name, "media_type": fmt.media_type, "rows": written,
            "message": describe_export({"rows": written})}


def export_file_url(job: Job) -> str | None:
    return url_for("csv.export_file", job_id=job.id) if job.status == "done" else None


def job_kinds() -> list[JobKind]:
    return [JobKind(IMPORT, _l("Import of leads from a spreadsheet"), run_import_job,
                    result_url=report_url, describe=describe_import,
                    cancelled_before_start=release_cancelled_import),
            JobKind(EXPORT, _l("Export of leads"), run_export_job, result_url=export_file_url,
                    describe=describe_export)]
