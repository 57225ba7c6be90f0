"""One row's page: its cells, where it stands, the touches logged on it, and the one step
that makes it a lead (or a note on the open lead that already has its contact)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from kanban.api.helpers import MAX_ID, whole_number
from kanban.errors import Conflict, ValidationError
from kanban.extensions import db
from kanban.form_tokens import saved_once
from kanban.models import Lead
from kanban.permissions import can
from kanban.services.leads import get_stage
from kanban.services.pipelines import list_pipelines
from kanban.services.users import active_users
from kanban_prospects.lists import edit_row, get_list, get_row
from kanban_prospects.models import ProspectRow
from kanban_prospects.views import bp
from kanban_prospects.working import (
    REASONS,
    STATUS_NAMES,
    TOUCH_KINDS,
    assign,
    log_touch,
    make_lead,
    note_on_lead,
    open_lead_for,
    set_status,
    touches,
)


def _neighbour(row: ProspectRow, after: bool) -> int | None:
    """The next (or previous) row of the list in its order."""
    position = ProspectRow.position
    return db.session.scalar(
        select(ProspectRow.id).where(ProspectRow.list_id == row.list_id,
                                     position > row.position if after
                                     else position < row.position)
        .order_by(position if after else position.desc()).limit(1))


def row_page(row: ProspectRow, errors: dict[str, str] | None = None,
             typed: dict[str, Any] | None = None, status: int = 200):
    plist = get_list(row.list_id)
    lead = db.session.get(Lead, row.lead_id) if row.lead_id else None
    return render_template(
        "prospects/row.html", page="prospects", plist=plist, row=row, lead=lead,
        existing=open_lead_for(row) if lead is None else None,
        touches=touches(row), statuses=STATUS_NAMES, kinds=TOUCH_KINDS, reasons=REASONS,
        pipelines=list_pipelines(), errors=errors or {}, typed=typed or {},
        people=active_users() if can(current_user, "lead.reassign") else [],
        previous_id=_neighbour(row, after=False), next_id=_neighbour(row, after=True),
        # A lead field's error is shown under the name of the column that fills it.
        column_of={column["field"]: column["name"]
                   for column in reversed(plist.columns) if column["field"]},
    ), status


@bp.get("/rows/<int:row_id>")
def row(row_id: int):
    return row_page(get_row(row_id))


def _after(row: ProspectRow):
    """Where a saved form goes: the next row when asked ("save and next"), else back."""
    if request.form.get("then") == "next":
        next_id = _neighbour(row, after=True)
        if next_id is not None:
            return redirect(url_for("prospects.row", row_id=next_id))
    return redirect(url_for("prospects.row", row_id=row.id))


def an_id(value: str | None) -> int | None:
    return whole_number(value, 1, MAX_ID)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(_("Some fields need your attention."), fields={
            "call_back_on": _("Use a date such as 2026-03-31.")}) from None


@bp.post("/rows/<int:row_id>/status")
def status(row_id: int):
    found = get_row(row_id)
    try:
        set_status(found, request.form.get("status", ""), user=current_user,
                   call_back_on=_day(request.form.get("call_back_on")),
                   reason=request.form.get("reason", ""))
    except ValidationError as exc:
        return row_page(found, exc.fields, request.form.to_dict(), 422)
    flash(_("Saved: %(status)s.", status=STATUS_NAMES[found.status]), "success")
    return _after(found)


@bp.post("/rows/<int:row_id>/touches")
@saved_once
def touch(row_id: int):
    found = get_row(row_id)
    try:
        log_touch(found, request.form.get("kind", ""), request.form.get("body", ""),
                  user=current_user)
    except ValidationError as exc:
        return row_page(found, exc.fields, request.form.to_dict(), 422)
    flash(_("The touch is kept."), "success")
    return _after(found)


@bp.post("/rows/<int:row_id>/lead")
@saved_once
def to_lead(row_id: int):
    found = get_row(row_id)
    try:
        existing = an_id(request.form.get("existing_lead_id"))
        if existing is not None:
            lead = note_on_lead(found, existing, user=current_user)
            flash(_("Added to the lead %(title)s.", title=lead.title), "success")
        else:
            stage = get_stage(an_id(request.form.get("stage_id")))
            lead = make_lead(found, stage, user=current_user)
            flash(_("The lead %(title)s is made.", title=lead.title), "success")
    except ValidationError as exc:
        return row_page(found, exc.fields, request.form.to_dict(), 422)
    except Conflict as exc:
        db.session.refresh(found)
        flash(exc.message, "info")
        return redirect(url_for("prospects.row", row_id=found.id))
    return redirect(url_for("web.show_lead", lead_id=lead.id))


@bp.post("/rows/<int:row_id>/edit")
def edit(row_id: int):
    found = get_row(row_id)
    plist = get_list(found.list_id)
    try:
        edit_row(plist, found, [request.form.get(f"cell-{i}", "")
                                for i in range(len(plist.columns))], user=current_user)
    except ValidationError as exc:
        return row_page(found, exc.fields, request.form.to_dict(), 422)
    flash(_("Saved."), "success")
    return redirect(url_for("prospects.row", row_id=found.id))


@bp.post("/rows/<int:row_id>/assign")
def assign_row(row_id: int):
    found = get_row(row_id)
    assign([found], an_id(request.form.get("assignee_id")), user=current_user)
    flash(_("Saved."), "success")
    return redirect(url_for("prospects.row", row_id=found.id))
