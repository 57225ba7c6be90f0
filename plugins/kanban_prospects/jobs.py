"""A big file imported into a list runs as a background job, with its progress."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban.jobs import JobContext, JobKind
from kanban.models import Job
from kanban.tables.reading import estimated_rows, open_table
from kanban_prospects import uploads
from kanban_prospects.lists import get_list, import_table

IMPORT = "prospects.import"
INLINE_ROWS = 5_000  # a file longer than this is imported in the background


def inline_rows() -> int:
    return int(current_app.config.get("PROSPECTS_IMPORT_INLINE_ROWS", INLINE_ROWS))


def run_import(context: JobContext) -> dict[str, Any]:
    params = context.params
    plist = get_list(params["list_id"])
    path = uploads.being_imported(params["token"])
    table = open_table(path, params.get("encoding") or None)
    total = estimated_rows(path)
    context.progress(0, total)
    added = import_table(plist, table, params["fields"], user=context.user,
                         on_batch=lambda read: context.progress(read, total))
    uploads.imported(params["token"], plist.id)
    return {"rows": added, "message": _("Rows imported: %(num)d.", num=added)}


def list_url(job: Job) -> str | None:
    return url_for("prospects.show", list_id=job.params["list_id"])


def job_kinds() -> list[JobKind]:
    return [JobKind(IMPORT, _l("Import into a prospect list"), run_import, result_url=list_url)]
