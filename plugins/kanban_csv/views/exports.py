"""The export page and the streamed download, reached from the board's toolbar."""

from __future__ import annotations

from collections.abc import Iterator

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from kanban import jobs
from kanban.extensions import db
from kanban.form_tokens import saved_once
from kanban.models import Job
from kanban.models.base import today
from kanban.permissions import require_export
from kanban.services.exports import record_export
from kanban.services.queries import LeadFilter
from kanban_csv.cleanup import export_folder
from kanban_csv.export import (
    CUSTOM_PREFIX,
    DEFAULT_COLUMNS,
    LEAD_COLUMNS,
    count_leads,
    custom_field_keys,
    export_formats,
    header_of,
    iter_rows,
    resolve_columns,
)
from kanban_csv.jobs import EXPORT
from kanban_csv.views import bp

DEFAULT_INLINE_ROWS = 20_000  # an export this small streams straight to the browser


def encode(chunks: Iterator[str | bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


@bp.get("/export")
def export_page():
    require_export(current_user)
    filters = LeadFilter.from_args(request.args)
    custom_keys = custom_field_keys(filters)
    chosen = request.args.getlist("columns") or [
        *DEFAULT_COLUMNS, *(CUSTOM_PREFIX + key for key in custom_keys)
    ]
    return render_template(
        "csv/export.html",
        filters=filters,
        filter_args=filters.to_args(),
        columns=LEAD_COLUMNS,
        custom_keys=custom_keys,
        custom_prefix=CUSTOM_PREFIX,
        chosen=set(chosen),
        formats=export_formats().values(),
        locale=str(get_locale() or "en"),
        count=format_number(count := count_leads(filters)),
        in_background=count > inline_rows(),
        page="csv_export",
    )


def inline_rows() -> int:
    """Exports with more leads than this are prepared as a background job."""
    return int(current_app.config.get("CSV_EXPORT_INLINE_ROWS", DEFAULT_INLINE_ROWS))


@bp.post("/export/jobs")
@saved_once
def export_start():
    """Prepare a big export in the background; its page offers the file when done."""
    require_export(current_user)
    filters = LeadFilter.from_args(request.form)
    fmt_key = request.form.get("format") or "excel"
    if fmt_key not in export_formats():
        abort(404)
    columns = [c.key for c in resolve_columns(request.form.getlist("columns"))]
    job = jobs.start(EXPORT, {"filters": filters.to_args(), "format": fmt_key,
                              "columns": columns or list(DEFAULT_COLUMNS),
                              "locale": request.form.get("locale") or str(get_locale() or "en")},
                     user=current_user)
    return redirect(url_for("web.show_job", job_id=job.id), 303)


@bp.get("/export/jobs/<int:job_id>/file")
def export_file(job_id: int):
    """The file a background export prepared: for the person who asked for it only."""
    require_export(current_user)
    job = db.session.get(Job, job_id)
    if job is None or job.kind != EXPORT or job.user_id != current_user.id:
        abort(404)
    path = export_folder() / str(job.result.get("file", "")) if job.status == "done" else None
    if path is None or not path.name or not path.is_file():
        flash(_("This export's file is no longer kept (files are removed after a day): "
                "prepare it again."), "error")
        return redirect(url_for("csv.export_page", **job.params.get("filters", {})), 303)
    response = send_file(path, as_attachment=True,
                         download_name=job.result.get("name") or path.name, max_age=0)
    if job.result.get("media_type"):  # with its charset, named once
        response.headers["Content-Type"] = job.result["media_type"]
    return response


@bp.get("/export/download")
def export_download():
    require_export(current_user)
    filters = LeadFilter.from_args(request.args)
    fmt = export_formats().get(request.args.get("format") or "excel")
    if fmt is None:
        abort(404)
    columns = resolve_columns(request.args.getlist("columns") or DEFAULT_COLUMNS)
    if not columns:
        columns = resolve_columns(DEFAULT_COLUMNS)
    options = {"locale": request.args.get("locale") or str(get_locale() or "en")}
    header = header_of(columns)
    chunks = fmt.render(header, iter_rows(filters, columns), options)
    record_export(user=current_user, filters=filters.to_args(), row_count=count_leads(filters),
                  format=fmt.key)
    name = f"leads-{today().isoformat()}.{fmt.extension}"
    # stream_with_context keeps the request (and so the database session) open
    # while the rows are read batch by batch.
    response = Response(stream_with_context(encode(chunks)), content_type=fmt.media_type)
    response.headers["Content-Disposition"] = f"attachment; filename=\"{name}\""
    response.headers["Cache-Control"] = "no-store"
    return response

