"""The import pages: upload a prospect list, map its columns, check it, import it."""

from __future__ import annotations

import codecs
import hashlib
import uuid
from pathlib import Path
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import inspect, select
from werkzeug.exceptions import RequestEntityTooLarge

from kanban.auth import csrf_exempt
from kanban.errors import ValidationError
from kanban.extensions import csrf, db
from kanban.instance import private_file
from kanban.models import Pipeline, User
from kanban.models.base import utcnow
from kanban.permissions import require
from kanban.services.leads import get_stage
from kanban.text import machine_text, remove_unstorable
from kanban_csv.cleanup import remove_stale_uploads, upload_folder
from kanban_csv.formats import write_delimited
from kanban_csv.importer import ImportReport, ImportSettings, import_steps, iter_report_rows
from kanban_csv.mapping import TARGETS, guess_mapping
from kanban_csv.models import CsvImport
from kanban_csv.reading import DELIMITERS, ENCODINGS, CsvProblem, Table, open_table
from kanban_csv.views import bp

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
COPY_CHUNK = 1024 * 1024
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def max_bytes() -> int:
    return int(current_app.config.get("CSV_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_large_message() -> str:
    return _("This file is larger than %(size)s, the most an import accepts. Split it into "
             "smaller files, or ask an admin to raise CSV_IMPORT_MAX_BYTES.",
             size=f"{max_bytes() / 1024 / 1024:.0f} MB")


def start_page(message: str = "", status: int = 200):
    recent = db.session.scalars(
        select(CsvImport).where(CsvImport.user_id == current_user.id)
        .order_by(CsvImport.id.desc()).limit(10)
    ).all()
    return render_template(
        "csv/import.html", message=message, encodings=ENCODINGS, delimiters=DELIMITER_NAMES,
        recent=recent, page="csv_import",
    ), status


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(exc):
    return start_page(too_large_message(), 413)


@bp.get("/import")
def import_start():
    require(current_user, "lead.create")
    remove_stale_uploads()
    return start_page()


@bp.post("/import")
@csrf_exempt  # checked below, once the upload limit is raised for this view
@machine_text  # a file from another program: its cells are cleaned as they are read
def import_upload():
    require(current_user, "lead.create")
    # The app's limit is small; an import may be large, so this view sets its own before
    # anything reads the body (the usual CSRF check would read it with the small limit).
    request.max_content_length = max_bytes()
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return start_page(_("Choose a CSV file to upload."), 400)
    stored_name = f"{uuid.uuid4().hex}.csv"
    path = upload_folder() / stored_name
    digest, size = hashlib.sha256(), 0
    with private_file(path).open("wb") as out:
        while chunk := upload.stream.read(COPY_CHUNK):
            size += len(chunk)
            if size > max_bytes():
                out.close()
                path.unlink(missing_ok=True)
                return start_page(too_large_message(), 413)
            digest.update(chunk)
            out.write(chunk)
    encoding = request.form.get("encoding") or None
    delimiter = request.form.get("delimiter") or None
    try:
        open_table(path, known_encoding(encoding), delimiter if delimiter in DELIMITERS else None)
    except CsvProblem as problem:
        path.unlink(missing_ok=True)
        return start_page(problem.message, 422)
    record = CsvImport(
        user_id=current_user.id, filename=remove_unstorable(Path(upload.filename).name)[:255],
        sha256=digest.hexdigest(), size=size, stored_name=stored_name,
    )
    db.session.add(record)
    db.session.commit()
    args = {k: v for k, v in (("encoding", encoding), ("delimiter", delimiter)) if v}
    return redirect(url_for("csv.import_map", import_id=record.id, **args))


def get_import(import_id: int) -> CsvImport:
    require(current_user, "lead.create")
    record = db.session.get(CsvImport, import_id)
    if record is None or (record.user_id != current_user.id and not current_user.is_manager):
        abort(404)
    return record


def open_record(record: CsvImport, values) -> Table:
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


def known_encoding(name: str | None) -> str | None:
    """Return the encoding the person chose if Python knows it, else None (detect)."""
    if not name:
        return None
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def form_context(record: CsvImport, table: Table, values) -> dict:
    pipelines = db.session.scalars(select(Pipeline).order_by(Pipeline.position, Pipeline.id))
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    guessed = guess_mapping(table.header)
    mapping = [values.get(f"map_{i}") or guess for i, guess in enumerate(guessed)]
    earlier = db.session.scalars(
        select(CsvImport).where(CsvImport.sha256 == record.sha256, CsvImport.id != record.id,
                                CsvImport.status == "imported")
        .order_by(CsvImport.id.desc())
    ).first()
    return {
        "record": record, "table": table, "mapping": mapping, "targets": TARGETS,
        "pipelines": list(pipelines), "users": list(users), "encodings": ENCODINGS,
        "delimiters": DELIMITER_NAMES, "earlier": earlier,
        "stage_id": values.get("stage_id", type=int),
        "owner_ids": [int(v) for v in values.getlist("owner") if v.isdigit()]
        if "owner" in values or values.get("submitted") else [current_user.id],
        "tags": values.get("tags", ""),
        "page": "csv_import",
    }


@bp.get("/import/<int:import_id>")
def import_map(import_id: int):
    record = get_import(import_id)
    try:
        table = open_record(record, request.args)
    except CsvProblem as problem:
        return start_page(problem.message, 422)
    return render_template("csv/import_map.html", **form_context(record, table, request.args))


@bp.post("/import/<int:import_id>")
def import_run(import_id: int):
    record = get_import(import_id)
    form = request.form
    try:
        table = open_record(record, form)
    except CsvProblem as problem:
        return start_page(problem.message, 422)
    context = form_context(record, table, form)
    try:
        stage = get_stage(form.get("stage_id", type=int))
    except ValidationError:
        message = _("Choose the stage the new leads go to.")
        return render_template("csv/import_map.html", message=message, **context), 422
    settings = ImportSettings(
        mapping=context["mapping"], stage=stage, owner_ids=context["owner_ids"],
        tags=[t for t in form.get("tags", "").split(",") if t.strip()],
        source=f"import: {record.filename}"[:120],
    )
    dry_run = form.get("action") != "import"
    steps = import_steps(table, settings, user=current_user, dry_run=dry_run)
    try:
        first = next(steps)  # the first batch: refusals and a file that cannot be read
    except StopIteration as end:  # a short file: done already
        return render_template("csv/import_report.html", report=finish(record, table, end.value),
                               stage=stage, **context)
    except CsvProblem as problem:
        db.session.rollback()
        return render_template("csv/import_map.html", message=problem.message, **context), 422
    outcome: dict[str, Any] = {}
    held = (record, stage, current_user._get_current_object())
    response = Response(stream_template(
        "csv/import_running.html", steps=_progress(steps, first, record, table, outcome, held),
        first=first, total=estimated_rows(record), outcome=outcome, stage=stage,
        dry_run=dry_run, **context))
    response.headers["X-Accel-Buffering"] = "no"  # nginx passes each step on at once
    return response


def _progress(steps, read: int, record: CsvImport, table: Table, outcome: dict[str, Any],
              held: tuple):
    """Yield the rows read so far after each batch; leave the report (or the problem) in
    ``outcome`` once the last row is done.

    The page streams after the view has returned, when the request's first database session
    is gone: the rows the import holds (``held``) join the session the stream runs in."""
    for row in held:
        if inspect(row).detached:
            db.session.add(row)
    try:
        while True:
            try:
                read += next(steps)
            except StopIteration as end:
                outcome["report"] = finish(record, table, end.value)
                return
            yield read
    except CsvProblem as problem:
        db.session.rollback()
        outcome["problem"] = problem.message


def estimated_rows(record: CsvImport) -> int:
    """About how many rows the stored file has (its line breaks), for the progress bar."""
    try:
        with (upload_folder() / record.stored_name).open("rb") as file:
            return max(1, sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20),
                                                                   b"")))
    except OSError:
        return 1


def finish(record: CsvImport, table: Table, report: ImportReport) -> ImportReport:
    """Keep the report; after a real import the uploaded file is no longer needed."""
    save_report(record, table, report)
    if not report.dry_run and not report.failure:
        (upload_folder() / record.stored_name).unlink(missing_ok=True)
        record.stored_name = ""
        db.session.commit()
    return report


def save_report(record: CsvImport, table: Table, report: ImportReport) -> None:
    header = [_("Row"), _("Problem"), _("Column"), _("Reason"), *table.header]
    record.rejected_csv = "".join(write_delimited(header, iter_report_rows(report), bom=True))
    record.counts = report.counts()
    record.status = "checked" if report.dry_run else "imported"
    record.finished_at = utcnow()
    db.session.commit()


@bp.get("/import/<int:import_id>/rejected.csv")
def import_rejected(import_id: int):
    record = get_import(import_id)
    name = f"rejected-{Path(record.filename).stem}.csv".encode("ascii", "replace").decode()
    return Response(
        record.rejected_csv, mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name.replace(chr(34), "")}"'},
    )
