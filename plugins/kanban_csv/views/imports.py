"""The import pages: upload a prospect list, map its columns, check it, import it."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from kanban import jobs
from kanban.auth import csrf_exempt
from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Pipeline, Stage, User
from kanban.permissions import require, require_give_lead_to
from kanban.services.leads import get_stage
from kanban.tables.reading import (
    DELIMITERS,
    ENCODINGS,
    CsvProblem,
    Table,
    encoding_label,
    open_table,
)
from kanban.text import machine_text, remove_unstorable
from kanban.uploads import accept_upload, save_upload, size_limit
from kanban_csv.cleanup import remove_stale_uploads, upload_folder
from kanban_csv.importer import (
    ImportSettings,
    count_lines,
    read_rejected,
    rejected_csv,
    run_import,
)
from kanban_csv.jobs import IMPORT, describe_import, running_import
from kanban_csv.mapping import TARGETS, guess_mapping
from kanban_csv.models import CsvImport
from kanban_csv.uploads import (
    StoredReport,
    claim_for_import,
    estimated_rows,
    finish,
    inline_rows,
    known_encoding,
    latest_imports,
    open_record,
    release,
    settings_params,
)
from kanban_csv.views import bp

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DELIMITER_NAMES = {",": _l("comma"), ";": _l("semicolon"), "\t": _l("tab"), "|": _l("pipe")}


def max_bytes() -> int:
    return int(current_app.config.get("CSV_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_large_message() -> str:
    return _("This file is larger than %(size)s, the most an import accepts. Split it into "
             "smaller files, or ask an admin to raise CSV_IMPORT_MAX_BYTES.",
             size=size_limit(max_bytes()))


def start_page(message: str = "", status: int = 200):
    recent = latest_imports(current_user.id)
    return render_template(
        "csv/import.html", message=message, encodings=ENCODINGS, delimiters=DELIMITER_NAMES,
        recent=recent, page="csv_import", describe_import=describe_import,
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
    accept_upload(max_bytes())
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return start_page(_("Choose a CSV file to upload."), 400)
    stored_name = f"{uuid.uuid4().hex}.csv"
    path = upload_folder() / stored_name
    sha256, size = save_upload(upload, path, max_bytes())  # too large: upload_too_large
    encoding = request.form.get("encoding") or None
    delimiter = request.form.get("delimiter") or None
    try:
        open_table(path, known_encoding(encoding), delimiter if delimiter in DELIMITERS else None)
    except CsvProblem as problem:
        path.unlink(missing_ok=True)
        return start_page(problem.message, 422)
    record = CsvImport(
        user_id=current_user.id, filename=remove_unstorable(Path(upload.filename).name)[:255],
        sha256=sha256, size=size, stored_name=stored_name,
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
        "encoding_label": encoding_label, "delimiters": DELIMITER_NAMES, "earlier": earlier,
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
    if not dry_run and not claim_for_import(record):
        running = running_import(record)
        if running is not None:
            return redirect(url_for("web.show_job", job_id=running.id), 303)
        message = _("This file is being imported already; its report comes when it is done.")
        return render_template("csv/import_map.html", message=message, **context), 409
    if estimated_rows(record) > inline_rows():
        for owner_id in settings.owner_ids:  # refused now, not once the job has started
            require_give_lead_to(current_user, owner_id)
        job = jobs.start(IMPORT, {"import_id": record.id, "dry_run": dry_run,
                                  **settings_params(settings, form)}, user=current_user)
        return redirect(url_for("web.show_job", job_id=job.id), 303)
    try:
        report = run_import(table, settings, user=current_user, dry_run=dry_run)
    except CsvProblem as problem:
        release(record)
        return render_template("csv/import_map.html", message=problem.message, **context), 422
    except BaseException:
        release(record)
        raise
    finish(record, table, report, stage)
    return render_template("csv/import_report.html", report=report, stage=stage,
                           counts=count_lines(report, stage), **context)


@bp.get("/import/<int:import_id>/report")
def import_report(import_id: int):
    """A finished import's report (where a background import leads)."""
    record = get_import(import_id)
    if record.status not in ("checked", "imported"):
        return redirect(url_for("csv.import_map", import_id=record.id), 303)
    report = StoredReport.of(record)
    stage = db.session.get(Stage, (record.counts or {}).get("stage_id") or 0)
    context: dict = {"record": record, "page": "csv_import"}
    if report.dry_run:
        # A file gone (after a day) leaves the check's report, with nothing to import.
        with contextlib.suppress(CsvProblem):
            context = form_context(record, open_record(record, request.args), request.args)
    return render_template("csv/import_report.html", report=report, stage=stage,
                           counts=count_lines(report, stage), **context)


@bp.get("/import/<int:import_id>/rejected.csv")
def import_rejected(import_id: int):
    record = get_import(import_id)
    name = f"rejected-{Path(record.filename).stem}.csv".encode("ascii", "replace").decode()
    header, rows = read_rejected(record.rejected_csv)
    return Response(
        stream_with_context(rejected_csv(rows, header)), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name.replace(chr(34), "")}"'},
    )
