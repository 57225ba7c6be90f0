"""The export page and the streamed download, reached from the board's toolbar."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import get_locale
from flask_login import current_user

from kanban.extensions import db
from kanban.models import Pipeline, Stage, User
from kanban.models.base import today
from kanban.permissions import require_export
from kanban.plugins import collect
from kanban.services.exports import record_export
from kanban.services.queries import LeadFilter
from kanban.ui import ExportFormat
from kanban_csv.export import (
    CUSTOM_PREFIX,
    DEFAULT_COLUMNS,
    LEAD_COLUMNS,
    count_leads,
    custom_field_keys,
    header_of,
    iter_rows,
    resolve_columns,
)
from kanban_csv.views import bp


def export_formats() -> dict[str, ExportFormat]:
    """Return every registered export format by key (this plugin's and others')."""
    return {fmt.key: fmt for fmt in collect("kanban_register_export_formats")}


def encode(chunks: Iterator[str | bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


@bp.get("/export")
def export_page():
    require_export(current_user)
    filters = LeadFilter.from_args(request.args)
    pipeline = db.session.get(Pipeline, filters.pipeline_id) if filters.pipeline_id else None
    custom_keys = custom_field_keys(filters)
    chosen = request.args.getlist("columns") or [
        *DEFAULT_COLUMNS, *(CUSTOM_PREFIX + key for key in custom_keys)
    ]
    return render_template(
        "csv/export.html",
        filters=filters,
        filter_args=filters.to_args(),
        pipeline=pipeline,
        owner=db.session.get(User, filters.owner_id) if filters.owner_id else None,
        stage=db.session.get(Stage, filters.stage_id) if filters.stage_id else None,
        columns=LEAD_COLUMNS,
        custom_keys=custom_keys,
        custom_prefix=CUSTOM_PREFIX,
        chosen=set(chosen),
        formats=export_formats().values(),
        locale=str(get_locale() or "en"),
        page="csv_export",
    )


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
    response = Response(stream_with_context(encode(chunks)), mimetype=fmt.media_type)
    response.headers["Content-Disposition"] = f"attachment; filename=\"{name}\""
    response.headers["Cache-Control"] = "no-store"
    return response

