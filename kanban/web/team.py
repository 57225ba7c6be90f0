"""The manager's view of the team: overdue and stale leads per person, handed over in bulk."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kanban.errors import Conflict, ValidationError
from kanban.extensions import db
from kanban.models import User
from kanban.models.base import today
from kanban.permissions import can
from kanban.services.queries import LeadFilter
from kanban.services.team import (
    MAX_REASSIGN,
    leads_needing_attention,
    reassign_leads,
    reassigned_message,
    team_load,
)
from kanban.services.users import active_users
from kanban.web import bp


def _require_manager() -> None:
    if not can(current_user, "lead.reassign"):
        abort(403)


@bp.get("/team")
def team():
    _require_manager()
    day = today()
    return render_template("web/team.html", page="team", loads=team_load(day), day=day)


@bp.get("/team/leads")
def team_leads():
    _require_manager()
    try:
        filters = LeadFilter.from_args(request.args)
    except ValidationError as exc:
        return _render_leads(None, errors=exc.fields), 400
    return _render_leads(filters)


@bp.post("/team/leads")
def reassign():
    _require_manager()
    try:
        count = reassign_leads(request.form.getlist("lead_ids"), request.form.get("owner_id"),
                               user=current_user)
    except (ValidationError, Conflict) as exc:
        db.session.rollback()
        try:
            filters = LeadFilter.from_args(request.args)
        except ValidationError:
            filters = LeadFilter()
        return _render_leads(filters, problem=exc.message, fields=exc.fields), exc.status
    owner = db.session.get(User, int(request.form["owner_id"]))
    flash(reassigned_message(count, owner), "success")
    return redirect(url_for("web.team_leads", **request.args))


def _render_leads(filters: LeadFilter | None, *, errors=None, problem: str = "", fields=None):
    day = today()
    leads = (
        db.session.scalars(leads_needing_attention(filters, day)).unique().all()
        if filters is not None else []
    )
    return render_template(
        "web/team_leads.html", page="team_leads", leads=leads, filters=filters, day=day,
        filter_errors=errors or {}, problem=problem, fields=fields or {},
        people=active_users(), limit=MAX_REASSIGN,
        owner=db.session.get(User, filters.owner_id) if filters and filters.owner_id else None,
    )
