"""The lists and rows in the JSON API (described by ``kanban_prospects.document``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kanban.api.helpers import MAX_ID, created, json_body, whole_number
from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.services.leads import get_stage
from kanban_prospects.lists import (
    RowQuery,
    add_rows,
    all_lists,
    create_list,
    edit_row,
    find_rows,
    get_list,
    get_row,
)
from kanban_prospects.models import ProspectList, ProspectRow
from kanban_prospects.progress import Progress, progress_of
from kanban_prospects.views import api_bp
from kanban_prospects.working import assign, log_touch, make_lead, note_on_lead, set_status


def list_json(plist: ProspectList, progress: Progress) -> dict[str, Any]:
    return {
        "id": plist.id, "name": plist.name, "owner_id": plist.owner_id,
        "columns": plist.columns, "created_at": plist.created_at.isoformat(),
        "progress": {
            "rows": progress.rows, "contacted": progress.contacted,
            "call_back": progress.call_back, "leads": progress.leads, "won": progress.won,
            "won_value": {currency: str(value) for currency, value in progress.won_value.items()},
            "not_interested": progress.not_interested,
        },
    }


def row_json(row: ProspectRow) -> dict[str, Any]:
    return {
        "id": row.id, "list_id": row.list_id, "position": row.position, "cells": row.cells,
        "status": row.status,
        "call_back_on": row.call_back_on.isoformat() if row.call_back_on else None,
        "reason": row.reason, "assignee_id": row.assignee_id, "lead_id": row.lead_id,
    }


@api_bp.get("/prospect-lists")
def lists():
    found = all_lists()
    progress = progress_of([plist.id for plist in found])
    return jsonify({"lists": [list_json(plist, progress[plist.id]) for plist in found]})


@api_bp.post("/prospect-lists")
def create():
    data = json_body()
    columns = data.get("columns")
    if not isinstance(columns, list) or not all(isinstance(c, dict) for c in columns):
        raise ValidationError(_("Some fields need your attention."), fields={
            "columns": _("Send a list of columns, each with a name and a field.")})
    plist = create_list(data.get("name"), columns, user=current_user)
    return created(list_json(plist, Progress()),
                   url_for("prospects_api.one_list", list_id=plist.id))


@api_bp.get("/prospect-lists/<int:list_id>")
def one_list(list_id: int):
    plist = get_list(list_id)
    return jsonify(list_json(plist, progress_of([plist.id])[plist.id]))


@api_bp.get("/prospect-lists/<int:list_id>/rows")
def rows(list_id: int):
    plist = get_list(list_id)
    found = find_rows(plist, RowQuery.from_args(request.args, plist))
    return jsonify({"rows": [row_json(row) for row in found.rows], "total": found.total,
                    "page": found.page, "pages": found.pages})


@api_bp.post("/prospect-lists/<int:list_id>/rows")
def add_row(list_id: int):
    plist = get_list(list_id)
    cells = _cells(json_body().get("cells"), len(plist.columns))
    add_rows(plist, [cells], user=current_user)
    row = db.session.scalars(db.select(ProspectRow).where(ProspectRow.list_id == plist.id)
                             .order_by(ProspectRow.position.desc()).limit(1)).one()
    return created(row_json(row), url_for("prospects_api.one_row", row_id=row.id))


@api_bp.get("/prospect-rows/<int:row_id>")
def one_row(row_id: int):
    return jsonify(row_json(get_row(row_id)))


def _cells(cells: Any, width: int | None = None) -> list[Any]:
    """A row's cells as sent: texts (or numbers) in the list's column order."""
    if (not isinstance(cells, list) or not cells or (width is not None and len(cells) > width)
            or not all(isinstance(cell, str | int | float) for cell in cells)
            or not any(str(cell).strip() for cell in cells)):
        raise ValidationError(_("Some fields need your attention."), fields={
            "cells": _("Send the row's cells as a list of texts, in the list's column order.")})
    return cells


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(_("Some fields need your attention."), fields={
            "call_back_on": _("Use a date such as 2026-03-31.")}) from None


def _id(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    checked = whole_number(str(value), 1, MAX_ID) if isinstance(value, int) else None
    if checked is None:
        raise ValidationError(_("Some fields need your attention."),
                              fields={name: _("There is nothing with this id.")})
    return checked


@api_bp.patch("/prospect-rows/<int:row_id>")
def change_row(row_id: int):
    row = get_row(row_id)
    data = json_body()
    if "cells" in data:
        edit_row(get_list(row.list_id), row, _cells(data["cells"]), user=current_user)
    if "assignee_id" in data:
        assign([row], _id(data, "assignee_id"), user=current_user)
        row = get_row(row_id)
    if "status" in data:
        set_status(row, str(data["status"]), user=current_user,
                   call_back_on=_date(data.get("call_back_on")),
                   reason=str(data.get("reason") or ""))
    return jsonify(row_json(row))


@api_bp.post("/prospect-rows/<int:row_id>/touches")
def touch(row_id: int):
    row = get_row(row_id)
    data = json_body()
    entry = log_touch(row, str(data.get("kind") or ""), str(data.get("body") or ""),
                      user=current_user)
    return jsonify({"id": entry.id, "kind": entry.kind, "body": entry.body,
                    "created_at": entry.created_at.isoformat()}), 201


@api_bp.post("/prospect-rows/<int:row_id>/lead")
def to_lead(row_id: int):
    row = get_row(row_id)
    data = json_body()
    existing = _id(data, "existing_lead_id")
    if existing is not None:
        lead = note_on_lead(row, existing, user=current_user)
    else:
        lead = make_lead(row, get_stage(_id(data, "stage_id")), user=current_user)
    return created({"lead_id": lead.id, "row": row_json(get_row(row_id))},
                   url_for("api.show_lead", lead_id=lead.id))
