"""JSON Schemas of what the API reads and writes, for its OpenAPI document."""

from __future__ import annotations

from typing import Any

from kanban import lead_fields
from kanban.api.helpers import MAX_ID
from kanban.lead_fields import LeadField
from kanban.services.lead_input import MAX_TAGS, TEXT_LIMITS
from kanban.services.pipelines import NAME_LIMIT


def ref(name: str) -> dict[str, str]:
    """Point at a schema of the document's components."""
    return {"$ref": f"#/components/schemas/{name}"}


def text(name: str) -> dict[str, Any]:
    """Describe a lead text field with its length limit."""
    return {"type": "string", "maxLength": TEXT_LIMITS.get(name, 255)}


MAX_STAGES = 50  # in a pipeline created through the API
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID}
TIMESTAMP = {"type": "string", "format": "date-time"}
# A time of day in the team's time zone, such as 09:30; null: any time that day.
TIME_OF_DAY = {"type": ["string", "null"], "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
STALE_DAYS = {
    "type": ["integer", "null"], "minimum": 1, "maximum": 365,
    "description": "Days without a touch after which an open lead here is stale; null: never.",
}
WIN_PROBABILITY = {
    "type": "integer", "minimum": 0, "maximum": 100,
    "description": "The chance, in per cent, that a lead of this stage is won: the board's "
                   "weighted value is each lead's value times it.",
}
VERSION = {
    "type": "integer",
    "description": "The lead's version as last read; a different one is refused with 409.",
}

LEAD = {
    "type": "object",
    "required": [
        "id", "title", "value", "currency", "contact_name", "company", "email", "phone",
        "source", "owner_id", "priority", "starred", "client_id", "tags", "description",
        "custom_fields",
        "pipeline_id", "stage_id", "rank", "status", "lost_reason", "next_action_kind",
        "next_action_date", "next_action_time", "next_action_text", "created_at",
        "updated_at", "closed_at", "version",
    ],
    "properties": {
        "id": ID,
        "title": {"type": "string"},
        "value": {
            "type": ["string", "null"],
            "pattern": r"^[0-9]+\.[0-9]{2}$",
            "description": "A decimal amount with two places, as text so no cent is lost.",
        },
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "contact_name": {"type": "string"},
        "company": {"type": "string"},
        "email": {"type": "string"},
        "phone": {"type": "string"},
        "source": {"type": "string"},
        "owner_id": NULLABLE_ID,
        "priority": {
            "type": "integer", "enum": [1, 2, 3],
            "description": "A prospect's priority: 1 can bring a lot quickly, 3 is small.",
        },
        "starred": {"type": "boolean", "description": "Starred leads stand out."},
        "client_id": {**NULLABLE_ID, "description": "The client folder the lead is in."},
        "tags": {"type": "array", "items": {"type": "string"}},
        "description": {"type": "string"},
        "custom_fields": {"type": "object"},
        "pipeline_id": ID,
        "stage_id": ID,
        "rank": {"type": "string", "description": "Sorts the cards of a stage, top first."},
        "status": {"type": "string", "enum": ["open", "won", "lost", "cancelled"]},
        "lost_reason": {"type": "string"},
        "next_action_kind": {"type": "string", "enum": ["todo", "standby"]},
        "next_action_date": {"type": ["string", "null"], "format": "date"},
        "next_action_time": TIME_OF_DAY,
        "next_action_text": {"type": "string"},
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
        "closed_at": {"type": ["string", "null"], "format": "date-time"},
        "version": {"type": "integer", "minimum": 1},
    },
}

def field_schema(field: LeadField) -> dict[str, Any]:
    """What the API accepts for one lead field, from its kind (kanban.lead_fields)."""
    schema = dict(INPUT_OF_KIND[field.kind])
    if field.kind in (lead_fields.TEXT, lead_fields.PHONE):  # no other kind has a limit
        schema["maxLength"] = field.limit or 255
    if field.help:
        schema["description"] = field.help
    return schema


INPUT_OF_KIND: dict[str, dict[str, Any]] = {
    lead_fields.TEXT: {"type": "string"},
    lead_fields.PHONE: {"anyOf": [{"type": "string", "pattern": "[0-9]"}, {"const": ""}]},
    lead_fields.AMOUNT: {"anyOf": [
        {"type": "number", "minimum": 0, "maximum": 999999999999.99},
        {"type": "string", "maxLength": 32},
        {"type": "null"},
    ]},
    lead_fields.CURRENCY: {"type": "string", "pattern": "^[A-Za-z]{3}$"},
    lead_fields.EMAIL: {"anyOf": [{"type": "string", "format": "email", "maxLength": 254},
                                  {"const": ""}]},
    lead_fields.USER: NULLABLE_ID,
    lead_fields.PRIORITY: {"anyOf": [
        {"type": "string", "enum": ["high", "normal", "low", "1", "2", "3"]},
        {"type": "integer", "enum": [1, 2, 3]},
    ]},
    lead_fields.FLAG: {"type": "boolean"},
    lead_fields.CLIENT: NULLABLE_ID,
    lead_fields.TAGS: {"anyOf": [
        {"type": "array", "maxItems": MAX_TAGS, "items": {"type": "string", "maxLength": 64}},
        {"type": "string"},
        {"type": "null"},
    ]},
    lead_fields.CUSTOM: {
        "type": ["object", "null"],
        "maxProperties": 100,
        "propertyNames": {"minLength": 1, "maxLength": 100},
        "additionalProperties": {
            "type": ["string", "number", "boolean", "null"], "maxLength": 10_000
        },
    },
    lead_fields.NEXT_KIND: {"type": "string", "enum": ["todo", "standby"]},
    lead_fields.DATE: {"type": ["string", "null"], "format": "date"},
    lead_fields.TIME: TIME_OF_DAY,
}
LEAD_FIELDS: dict[str, Any] = {
    field.name: field_schema(field) for field in lead_fields.FIELDS if field.editable
}

LEAD_CREATE = {
    "type": "object",
    "required": ["title"],
    "additionalProperties": False,
    "properties": {
        **LEAD_FIELDS,
        "stage_id": {**ID, "description": "Defaults to the first stage of the first pipeline."},
    },
}

LEAD_UPDATE = {
    "type": "object",
    "additionalProperties": False,
    "description": "Only the fields sent change.",
    "properties": {**LEAD_FIELDS, "version": VERSION},
}

MOVE = {
    "type": "object",
    "required": ["stage_id", "version"],
    "additionalProperties": False,
    "properties": {
        "stage_id": {**ID, "description": "A stage of the lead's pipeline."},
        "version": VERSION,
        "before_id": {**NULLABLE_ID, "description": "The card the lead lands above."},
        "after_id": {**NULLABLE_ID, "description": "The card the lead lands below."},
    },
    "description": (
        "With neither neighbour the lead goes to the bottom of the stage; with both they "
        "must still be adjacent."
    ),
}

CLOSE = {
    "type": "object",
    "required": ["status"],
    "additionalProperties": False,
    "properties": {
        "status": {"type": "string", "enum": ["won", "lost", "cancelled"]},
        "lost_reason": {
            "type": "string",
            "maxLength": 255,
            "description": "Required when the status is lost.",
        },
        "version": VERSION,
    },
}

TAKE = {"type": "object", "additionalProperties": False, "properties": {}}

REOPEN = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"version": VERSION},
}

NOTE = {
    "type": "object",
    "required": ["body"],
    "additionalProperties": False,
    "properties": {
        "body": {"type": "string", "minLength": 1, "maxLength": 100_000},
        "kind": {"type": "string", "enum": ["note", "call", "email", "meeting"],
                 "default": "note"},
        "follow_up": {
            "type": "object",
            "additionalProperties": False,
            "description": (
                "The next follow-up, set with the entry: today, tomorrow, next_week, month "
                "(with follow_up_month), date (with follow_up_date) or asked (with "
                "asked_amount and asked_unit, or asked_date: two thirds of that time)."
            ),
            "properties": {
                "follow_up": {"type": "string", "enum": [
                    "today", "tomorrow", "next_week", "month", "date", "asked", "keep"]},
                "follow_up_month": {"type": "integer", "minimum": 1, "maximum": 12},
                "follow_up_date": {"type": "string", "format": "date"},
                "asked_amount": {"type": "integer", "minimum": 1, "maximum": 730},
                "asked_unit": {"type": "string", "enum": ["days", "weeks", "months"]},
                "asked_date": {"type": "string", "format": "date"},
                "follow_up_time": TIME_OF_DAY,
                "next_action_text": text("next_action_text"),
            },
        },
    },
}

NAME = {"type": "string", "minLength": 1, "maxLength": NAME_LIMIT}

PIPELINE_CREATE = {
    "type": "object",
    "required": ["name", "stages"],
    "additionalProperties": False,
    "properties": {
        "name": NAME,
        "stages": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_STAGES,
            "description": "Left to right; each a name, or a name with is_proposal.",
            "items": {
                "anyOf": [
                    NAME,
                    {
                        "type": "object",
                        "required": ["name"],
                        "additionalProperties": False,
                        "properties": {"name": NAME, "is_proposal": {"type": "boolean"}},
                    },
                ]
            },
        },
    },
}

PIPELINE_UPDATE = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {"name": NAME},
}

STAGE_CREATE = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": NAME,
        "is_proposal": {"type": "boolean", "default": False,
                        "description": "Proposals in progress: these cards come first."},
    },
}

STAGE_UPDATE = {
    "type": "object",
    "additionalProperties": False,
    "description": "Only the fields sent change.",
    "properties": {
        "name": NAME,
        "is_proposal": {"type": "boolean"},
        "stale_days": STALE_DAYS,
        "win_probability": WIN_PROBABILITY,
        "move": {"type": "string", "enum": ["up", "down"],
                 "description": "One place left (up) or right (down) in the pipeline."},
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "Stable, for programs."},
                "message": {"type": "string", "description": "Plain words, for people."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "What is wrong with each named field.",
                },
            },
        }
    },
}

CONFLICT = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                **ERROR["properties"]["error"]["properties"],
                "lead": {
                    "type": "object",
                    "required": ["id", "stage_id", "version"],
                    "properties": {"id": ID, "stage_id": ID, "version": {"type": "integer"}},
                    "description": "The lead as it is now.",
                },
                "stage_id": {**ID, "description": "The stage whose order follows."},
                "order": {
                    "type": "array",
                    "items": ID,
                    "description": "The ids of the stage's open leads, top to bottom, now.",
                },
            },
        }
    },
}

STAGE = {
    "type": "object",
    "required": ["id", "pipeline_id", "name", "position", "is_proposal", "stale_days",
                 "win_probability"],
    "properties": {
        "id": ID,
        "pipeline_id": ID,
        "name": {"type": "string"},
        "position": {"type": "integer"},
        "is_proposal": {"type": "boolean"},
        "stale_days": STALE_DAYS,
        "win_probability": WIN_PROBABILITY,
    },
}

PIPELINE = {
    "type": "object",
    "required": ["id", "name", "position", "stages"],
    "properties": {
        "id": ID,
        "name": {"type": "string"},
        "position": {"type": "integer"},
        "stages": {"type": "array", "items": ref("Stage")},
    },
}

ACTIVITY = {
    "type": "object",
    "required": ["id", "lead_id", "author_id", "kind", "body", "text", "payload", "created_at"],
    "properties": {
        "id": ID,
        "lead_id": ID,
        "author_id": NULLABLE_ID,
        "kind": {
            "type": "string",
            "description": "note, call, email, stage_change, edit, system, or a plugin's own.",
        },
        "body": {"type": "string", "description": "What the person wrote, as written."},
        "text": {
            "type": "string",
            "description": "The entry in words, in the reader's language: the body, or for "
                           "the system's own lines (created, closed...) a sentence written "
                           "from the payload.",
        },
        "payload": {"type": "object"},
        "created_at": TIMESTAMP,
    },
}

AGENDA_ENTRY = {
    "type": "object",
    "required": ["lead", "is_client", "client_class", "overdue", "stale", "last_touch"],
    "properties": {
        "lead": ref("Lead"),
        "is_client": {"type": "boolean",
                      "description": "The contact has a won lead: ranked by class, before "
                                     "prospects (ranked by the lead's priority)."},
        "client_class": {"type": ["string", "null"], "enum": ["A", "B", "C", "D", None],
                         "description": "The client folder's class; null: not rated yet."},
        "overdue": {"type": "boolean"},
        "stale": {"type": "boolean"},
        "last_touch": {"oneOf": [ref("Activity"), {"type": "null"}],
                       "description": "The latest note, call, email or meeting."},
    },
}

AGENDA_SECTION = {
    "type": "object",
    "required": ["entries", "total", "overdue"],
    "properties": {
        "entries": {"type": "array", "items": ref("AgendaEntry"),
                    "description": "The first leads, in the agenda's order."},
        "total": {"type": "integer", "minimum": 0, "description": "Leads in the section."},
        "overdue": {"type": "integer", "minimum": 0},
    },
}

AGENDA = {
    "type": "object",
    "required": ["day", "proposals", "unassigned", "follow_ups", "coming_back"],
    "properties": {
        "day": {"type": "string", "format": "date", "description": "The team's today."},
        "proposals": ref("AgendaSection"),
        "unassigned": {**ref("AgendaSection"),
                       "description": "New leads nobody owns yet, oldest first (everyone's)."},
        "follow_ups": ref("AgendaSection"),
        "coming_back": {"type": "integer", "minimum": 0,
                        "description": "Leads in standby that come back within a week."},
    },
}

MATCHED = {"type": "array", "items": {"type": "string"},
           "description": "The fields the text was found in."}


def found(item: dict[str, Any]) -> dict[str, Any]:
    """Describe one kind of search result: how many in all, and the first ones."""
    return {
        "type": "object",
        "required": ["total", "items"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "items": {"type": "array", "items": item},
        },
    }


SEARCH_RESULTS = {
    "type": "object",
    "required": ["q", "leads", "folders", "contacts"],
    "properties": {
        "q": {"type": "string"},
        "leads": found({"allOf": [ref("Lead"), {
            "type": "object", "required": ["matched"], "properties": {"matched": MATCHED}}]}),
        "folders": found({
            "type": "object", "required": ["id", "name", "rating", "matched"],
            "properties": {"id": ID, "name": {"type": "string"},
                           "rating": {"enum": ["A", "B", "C", "D", None]},
                           "matched": MATCHED},
        }),
        "contacts": found({
            "type": "object", "required": ["name", "email", "phone", "lead_id", "leads", "matched"],
            "properties": {"name": {"type": "string"}, "email": {"type": "string"},
                           "phone": {"type": "string"}, "lead_id": ID,
                           "leads": {"type": "integer", "minimum": 1}, "matched": MATCHED},
        }),
    },
}

EVENT = {
    "type": "object",
    "required": ["id", "kind", "lead_id", "pipeline_id", "stage_id", "actor_id", "payload",
                 "created_at"],
    "properties": {
        "id": {"type": "integer", "minimum": 1, "description": "Grows with every event."},
        "kind": {"type": "string", "enum": ["created", "updated", "noted", "moved", "won",
                                            "lost", "cancelled", "reopened", "deleted"]},
        "lead_id": {"type": "integer", "description": "The lead (it may be deleted since)."},
        "pipeline_id": {"type": ["integer", "null"]},
        "stage_id": {"type": ["integer", "null"],
                     "description": "The lead's stage after the change."},
        "actor_id": {"type": ["integer", "null"], "description": "Who did it; null: a source "
                     "or the system."},
        "payload": {"type": "object", "description": (
            "A few facts: created: source; updated: fields (their names); noted: entry (its "
            "kind); moved: from_stage_id, rank, version; lost: lost_reason; reopened: "
            "previous_status; deleted: title.")},
        "created_at": TIMESTAMP,
    },
}
EVENT_PAGE = {
    "type": "object",
    "required": ["events", "last_id", "newest_id"],
    "properties": {
        "events": {"type": "array", "items": ref("Event")},
        "last_id": {"type": "integer", "minimum": 0,
                    "description": "Read again with after set to this."},
        "newest_id": {"type": "integer", "minimum": 0,
                      "description": "The newest event's id: a new reader may start there."},
    },
}

SCHEMAS = {
    "Agenda": AGENDA,
    "AgendaSection": AGENDA_SECTION,
    "AgendaEntry": AGENDA_ENTRY,
    "Lead": LEAD,
    "LeadCreate": LEAD_CREATE,
    "LeadUpdate": LEAD_UPDATE,
    "Move": MOVE,
    "Close": CLOSE,
    "Reopen": REOPEN,
    "Take": TAKE,
    "Note": NOTE,
    "Activity": ACTIVITY,
    "Pipeline": PIPELINE,
    "PipelineCreate": PIPELINE_CREATE,
    "PipelineUpdate": PIPELINE_UPDATE,
    "Stage": STAGE,
    "StageCreate": STAGE_CREATE,
    "StageUpdate": STAGE_UPDATE,
    "Error": ERROR,
    "Conflict": CONFLICT,
    "SearchResults": SEARCH_RESULTS,
    "Event": EVENT,
    "EventPage": EVENT_PAGE,
}
