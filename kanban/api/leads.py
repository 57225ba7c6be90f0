from __future__ import annotations

from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kanban.api import bp
from kanban.api.helpers import (
    created,
    int_field,
    json_body,
    page_args,
    refuse_off_schema,
    refuse_unknown_fields,
    refuse_wrong_types,
)
from kanban.api.schemas import CLOSE, LEAD_CREATE, LEAD_UPDATE, MOVE, NOTE, REOPEN
from kanban.api.serializers import activity_json, lead_json
from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.idempotency import idempotent
from kanban.models import TOUCH_KINDS, Activity, Lead
from kanban.services import assignment
from kanban.services import leads as lead_service
from kanban.services.followup import log_touch
from kanban.services.queries import LeadFilter, filter_leads
from kanban.services.timeline import timeline_entries

LEAD = "/leads/<int:lead_id>"


@bp.get("/leads")
def list_leads():
    filters = LeadFilter.from_args(request.args)
    page, per_page = page_args(
        current_app.config["API_PAGE_SIZE"], current_app.config["API_MAX_PAGE_SIZE"]
    )
    stmt = filter_leads(filters)
    total = db.session.scalar(filter_leads(filters, select(func.count(Lead.id))))
    leads = db.session.scalars(
        stmt.options(selectinload(Lead.stage))
        .order_by(Lead.stage_id, Lead.rank)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return jsonify(
        {
            "leads": [lead_json(lead) for lead in leads],
            "page": page,
            "per_page": per_page,
            "total": total,
        }
    )


def _api_user() -> str:
    return f"api:user:{current_user.id}"


@bp.post("/leads")
@idempotent(_api_user)
def create_lead():
    data = json_body()
    refuse_unknown_fields(data, LEAD_CREATE)
    refuse_wrong_types(data)
    lead = lead_service.create_lead(data, user=current_user, source=data.get("source") or "api",
                                    assign_by="api")
    return created(lead_json(lead), url_for("api.show_lead", lead_id=lead.id))


@bp.get(LEAD)
def show_lead(lead_id: int):
    return jsonify(lead_json(lead_service.get_lead(lead_id)))


@bp.patch(LEAD)
def update_lead(lead_id: int):
    data = json_body()
    lead = lead_service.get_lead(lead_id)
    refuse_unknown_fields(data, LEAD_UPDATE)
    refuse_wrong_types(data)
    version = int_field(data, "version")
    fields = {key: value for key, value in data.items() if key != "version"}
    lead = lead_service.update_lead(lead, fields, user=current_user, version=version)
    return jsonify(lead_json(lead))


@bp.delete(LEAD)
def delete_lead(lead_id: int):
    lead_service.delete_lead(lead_service.get_lead(lead_id), user=current_user)
    return "", 204


@bp.post(LEAD + "/move")
def move_lead(lead_id: int):
    data = json_body()
    refuse_off_schema(data, MOVE)
    lead = lead_service.move_lead(
        lead_id,
        stage_id=int_field(data, "stage_id", required=True, is_id=True),
        version=int_field(data, "version", required=True),
        before_id=int_field(data, "before_id", is_id=True),
        after_id=int_field(data, "after_id", is_id=True),
        user=current_user,
    )
    return jsonify(lead_json(lead))


@bp.post(LEAD + "/close")
def close_lead(lead_id: int):
    data = json_body()
    refuse_off_schema(data, CLOSE)
    lead = lead_service.close_lead(
        lead_service.get_lead(lead_id),
        data.get("status"),
        lost_reason=data.get("lost_reason") or "",
        version=int_field(data, "version"),
        user=current_user,
    )
    return jsonify(lead_json(lead))


@bp.post(LEAD + "/reopen")
def reopen_lead(lead_id: int):
    data = json_body() if request.content_length else {}
    refuse_off_schema(data, REOPEN)
    lead = lead_service.reopen_lead(
        lead_service.get_lead(lead_id), version=int_field(data, "version"), user=current_user
    )
    return jsonify(lead_json(lead))


@bp.post(LEAD + "/take")
def take_lead(lead_id: int):
    if request.content_length and json_body():
        raise ValidationError(_("Send an empty object: taking a lead needs nothing else."),
                              fields={name: _("Unknown field.") for name in json_body()})
    return jsonify(lead_json(assignment.take_lead(lead_id, current_user)))


@bp.get(LEAD + "/activities")
def list_activities(lead_id: int):
    lead = lead_service.get_lead(lead_id)
    page, per_page = page_args(
        current_app.config["API_PAGE_SIZE"], current_app.config["API_MAX_PAGE_SIZE"]
    )
    total = db.session.scalar(select(func.count(Activity.id)).where(Activity.lead_id == lead.id))
    activities = db.session.scalars(
        timeline_entries(lead.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return jsonify({"activities": [activity_json(a) for a in activities],
                    "page": page, "per_page": per_page, "total": total})


@bp.post(LEAD + "/notes")
def add_note(lead_id: int):
    data = json_body()
    refuse_off_schema(data, NOTE)
    lead = lead_service.get_lead(lead_id)
    kind = data.get("kind", "note")
    if kind not in TOUCH_KINDS:
        raise ValidationError(_("Use note, call, email or meeting."),
                              fields={"kind": _("Unknown kind.")})
    follow_up = data.get("follow_up")
    if follow_up is None:  # an integration logging what happened, without planning
        activity = lead_service.add_note(lead, data.get("body"), kind=kind, user=current_user)
    elif not isinstance(follow_up, dict):
        raise ValidationError(_("Send the follow-up as an object."),
                              fields={"follow_up": _("Must be an object.")})
    else:
        activity = log_touch(lead, data.get("body"), kind=kind, follow_up=follow_up,
                             user=current_user)
    return created(activity_json(activity))
