"""How core objects look in JSON."""

from __future__ import annotations

from typing import Any

from kanban import lead_fields
from kanban.models import Activity, Lead, Pipeline, Stage, User
from kanban.services.agenda import Agenda, AgendaEntry, AgendaSection, Touch
from kanban.services.lead_views import LeadView
from kanban.words import timeline_text


def user_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.name, "email": user.email, "role": user.role}


def stage_json(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.id,
        "pipeline_id": stage.pipeline_id,
        "name": stage.name,
        "position": stage.position,
        "is_proposal": stage.is_proposal,
        "stale_days": stage.stale_days,
        "win_probability": stage.win_probability,
    }


def pipeline_json(pipeline: Pipeline) -> dict[str, Any]:
    return {
        "id": pipeline.id,
        "name": pipeline.name,
        "position": pipeline.position,
        "stages": [stage_json(stage) for stage in pipeline.stages],
    }


def lead_json(lead: Lead | LeadView) -> dict[str, Any]:
    """The lead's fields (kanban.lead_fields, each as its kind is sent), with where it is
    and its history."""
    fields = {field.name: _as_json(field.kind, getattr(lead, field.name))
              for field in lead_fields.FIELDS}
    return {
        "id": lead.id,
        **fields,
        "pipeline_id": lead.stage.pipeline_id,
        "stage_id": lead.stage_id,
        "rank": lead.rank,
        "status": lead.status,
        "created_at": lead.created_at.isoformat(),
        "updated_at": lead.updated_at.isoformat(),
        "closed_at": lead.closed_at.isoformat() if lead.closed_at else None,
        "version": lead.version,
    }


def _as_json(kind: str, value: Any) -> Any:
    if value is None:
        return {} if kind == lead_fields.CUSTOM else None
    if kind == lead_fields.AMOUNT:
        return str(value)
    if kind == lead_fields.DATE:
        return value.isoformat()
    if kind == lead_fields.TIME:
        return value.strftime("%H:%M")
    return value


def activity_json(activity: Activity | Touch) -> dict[str, Any]:
    return {
        "id": activity.id,
        "lead_id": activity.lead_id,
        "author_id": activity.author_id,
        "kind": activity.kind,
        "body": activity.body,
        "text": timeline_text(activity.kind, activity.body, activity.payload),
        "payload": activity.payload or {},
        "created_at": activity.created_at.isoformat(),
    }


def agenda_json(agenda: Agenda) -> dict[str, Any]:
    return {
        "day": agenda.day.isoformat(),
        "proposals": agenda_section_json(agenda.proposals),
        "unassigned": agenda_section_json(agenda.unassigned),
        "follow_ups": agenda_section_json(agenda.follow_ups),
        "coming_back": agenda.coming_back,
    }


def agenda_section_json(section: AgendaSection) -> dict[str, Any]:
    return {
        "entries": [agenda_entry_json(entry) for entry in section.entries],
        "total": section.total,
        "overdue": section.overdue,
    }


def agenda_entry_json(entry: AgendaEntry) -> dict[str, Any]:
    return {
        "lead": lead_json(entry.lead),
        "is_client": entry.mark.is_client,
        "client_class": entry.mark.rating,
        "overdue": entry.is_overdue,
        "stale": entry.is_stale,
        "last_touch": activity_json(entry.last_touch) if entry.last_touch else None,
    }
