"""The OpenAPI 3.1 document of the JSON API, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from kanban.api import bp
from kanban.api.helpers import MAX_ID, MAX_PAGE
from kanban.api.pipelines import MAX_STAGES
from kanban.auth import public
from kanban.services.lead_input import MAX_TAGS, TEXT_LIMITS
from kanban.services.pipelines import NAME_LIMIT

JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def text(name: str) -> dict[str, Any]:
    return {"type": "string", "maxLength": TEXT_LIMITS.get(name, 255)}


ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID}
TIMESTAMP = {"type": "string", "format": "date-time"}
VERSION = {
    "type": "integer",
    "description": "The lead's version as last read; a different one is refused with 409.",
}

LEAD = {
    "type": "object",
    "required": [
        "id", "title", "value", "currency", "contact_name", "company", "email", "phone",
        "source", "owner_id", "priority", "tags", "description", "custom_fields",
        "pipeline_id", "stage_id", "rank", "status", "lost_reason", "next_action_kind",
        "next_action_date", "next_action_text", "created_at", "updated_at", "closed_at",
        "version",
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
            "type": "integer", "enum": [0, 1, 2], "description": "0 low, 1 normal, 2 high."
        },
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
        "next_action_text": {"type": "string"},
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
        "closed_at": {"type": ["string", "null"], "format": "date-time"},
        "version": {"type": "integer", "minimum": 1},
    },
}

LEAD_FIELDS: dict[str, Any] = {
    "title": {**text("title"), "description": "Required when creating."},
    "value": {
        "description": "A positive amount, such as 1500 or \"1500.50\".",
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": 999999999999.99},
            {"type": "string", "maxLength": 32},
            {"type": "null"},
        ],
    },
    "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
    "contact_name": text("contact_name"),
    "company": text("company"),
    "email": {"anyOf": [{"type": "string", "format": "email", "maxLength": 254},
                        {"const": ""}]},
    "phone": text("phone"),
    "source": text("source"),
    "owner_id": {**NULLABLE_ID, "description": "An active user."},
    "priority": {
        "anyOf": [
            {"type": "string", "enum": ["low", "normal", "high"]},
            {"type": "integer", "enum": [0, 1, 2]},
        ]
    },
    "tags": {
        "description": "A list of words, or one text with commas between them.",
        "anyOf": [
            {"type": "array", "maxItems": MAX_TAGS,
             "items": {"type": "string", "maxLength": 64}},
            {"type": "string"},
            {"type": "null"},
        ],
    },
    "description": text("description"),
    "custom_fields": {
        "type": ["object", "null"],
        "maxProperties": 100,
        "propertyNames": {"minLength": 1, "maxLength": 100},
        "additionalProperties": {
            "type": ["string", "number", "boolean", "null"], "maxLength": 10_000
        },
    },
    "next_action_kind": {
        "type": "string",
        "enum": ["todo", "standby"],
        "description": "standby needs a next_action_date, when the lead comes back to todo.",
    },
    "next_action_date": {"type": ["string", "null"], "format": "date"},
    "next_action_text": text("next_action_text"),
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
        "kind": {"type": "string", "enum": ["note", "call", "email"], "default": "note"},
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
    "required": ["id", "pipeline_id", "name", "position", "is_proposal"],
    "properties": {
        "id": ID,
        "pipeline_id": ID,
        "name": {"type": "string"},
        "position": {"type": "integer"},
        "is_proposal": {"type": "boolean"},
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
    "required": ["id", "lead_id", "author_id", "kind", "body", "payload", "created_at"],
    "properties": {
        "id": ID,
        "lead_id": ID,
        "author_id": NULLABLE_ID,
        "kind": {
            "type": "string",
            "description": "note, call, email, stage_change, edit, system, or a plugin's own.",
        },
        "body": {"type": "string"},
        "payload": {"type": "object"},
        "created_at": TIMESTAMP,
    },
}

ERROR_TEXT = {
    400: "Malformed JSON (code bad_json), or a missing CSRF token with a session (code csrf).",
    401: "No login and no valid API token (a revoked token or a deactivated user's).",
    403: "The user's role does not allow this (pipelines and stages: admins only).",
    404: "No such lead, pipeline or stage.",
    409: "The lead changed since it was read, or the neighbours moved: here is the current state.",
    413: "The body is larger than the server accepts.",
    415: "The body is not sent as application/json.",
    422: "Some input is not valid; `fields` says what is wrong with each.",
}


def error(status: int) -> dict[str, Any]:
    schema = ref("Conflict") if status == 409 else ref("Error")
    return {"description": ERROR_TEXT[status], "content": {JSON: {"schema": schema}}}


def ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def operation(
    operation_id: str,
    summary: str,
    responses: dict[int, dict[str, Any]],
    errors: tuple[int, ...],
    *,
    body: dict[str, Any] | None = None,
    body_required: bool = True,
    parameters: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": operation_id, "summary": summary}
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = {"required": body_required, "content": {JSON: {"schema": body}}}
        op["security"] = UNSAFE_SECURITY
        errors = (400, *errors, 413, 415)
    op["responses"] = {
        str(status): response
        for status, response in sorted({**responses, **{s: error(s) for s in errors}}.items())
    }
    return op


def path_id(name: str, what: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID, "description": what,
            "example": 1}


def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


SAFE_SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]
UNSAFE_SECURITY = [{"bearerAuth": []}, {"sessionCookie": [], "csrfToken": []}]
LEAD_ID = path_id("lead_id", "The lead's id.")
PIPELINE_ID = path_id("pipeline_id", "The pipeline's id.")


def with_location(response: dict[str, Any]) -> dict[str, Any]:
    response["headers"] = {
        "Location": {"description": "The new resource's address.", "schema": {"type": "string"}}
    }
    return response
CHANGE_ERRORS = (401, 403, 404, 409, 422)


def build_document() -> dict[str, Any]:
    """Return the OpenAPI document of the API as it is configured in this app."""
    max_page_size = current_app.config["API_MAX_PAGE_SIZE"]
    lead_ok = ok("The lead as it is now.", ref("Lead"))
    list_filters = [
        query("stage_id", ID, "Only leads in this stage."),
        query("pipeline_id", ID, "Only leads in this pipeline."),
        query("owner_id", ID, "Only leads owned by this user."),
        query("tag", {"type": "string", "maxLength": 64}, "Only leads with this tag."),
        query("priority", {"type": "string", "enum": ["low", "normal", "high", "0", "1", "2"]},
              "Only leads of this priority."),
        query("status", {"type": "string",
                         "enum": ["open", "won", "lost", "cancelled", "closed", "all"],
                         "default": "open"}, "closed means won, lost or cancelled."),
        query("q", {"type": "string", "maxLength": 200},
              "Text in the title, company, contact name, email or phone."),
        query("created_from", {"type": "string", "format": "date"}, "Created on or after."),
        query("created_to", {"type": "string", "format": "date"}, "Created on or before."),
        query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
              "The page, from 1."),
        query("per_page", {"type": "integer", "minimum": 1, "maximum": max_page_size,
                           "default": current_app.config["API_PAGE_SIZE"]},
              "Leads per page."),
    ]
    lead_page = {
        "type": "object",
        "required": ["leads", "page", "per_page", "total"],
        "properties": {
            "leads": {"type": "array", "items": ref("Lead")},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": max_page_size},
            "total": {"type": "integer", "minimum": 0},
        },
    }
    created_pipeline = with_location(ok("The new pipeline.", ref("Pipeline")))
    created_stage = with_location(ok("The new stage.", ref("Stage")))
    created = with_location(ok("The new lead.", ref("Lead")))
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Kanban API",
            "version": "1",
            "description": (
                "Leads, pipelines and stages of a Kanban CRM. Send an `Authorization: Bearer "
                "<token>` header with a personal API token (Profile → API tokens); a browser "
                "session works too, with the CSRF token in an `X-CSRFToken` header on POST, "
                "PATCH and DELETE. Every error is `{\"error\": {\"code\", \"message\", "
                "\"fields\"}}`."
            ),
        },
        "servers": [{"url": "/api/v1", "description": "This Kanban server."}],
        "security": SAFE_SECURITY,
        "paths": {
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "security": [],
                    "responses": {"200": ok("The OpenAPI document.", {"type": "object"})},
                }
            },
            "/pipelines": {
                "get": operation(
                    "list_pipelines", "List the pipelines with their stages.",
                    {200: ok("Every pipeline.", {
                        "type": "object", "required": ["pipelines"],
                        "properties": {"pipelines": {"type": "array", "items": ref("Pipeline")}},
                    })},
                    (401,),
                ),
                "post": operation(
                    "create_pipeline", "Create a pipeline with its stages (admins).",
                    {201: created_pipeline}, (401, 403, 422), body=ref("PipelineCreate"),
                ),
            },
            "/pipelines/{pipeline_id}": {
                "parameters": [PIPELINE_ID],
                "get": operation(
                    "show_pipeline", "Show a pipeline with its stages.",
                    {200: ok("The pipeline.", ref("Pipeline"))}, (401, 404),
                ),
                "patch": operation(
                    "rename_pipeline", "Rename a pipeline (admins).",
                    {200: ok("The pipeline.", ref("Pipeline"))}, (401, 403, 404, 422),
                    body=ref("PipelineUpdate"),
                ),
                "delete": {
                    **operation(
                        "delete_pipeline",
                        "Delete a pipeline and its stages (admins); refused while it holds leads.",
                        {204: {"description": "Deleted."}}, (401, 403, 404, 422),
                    ),
                    "security": UNSAFE_SECURITY,
                },
            },
            "/pipelines/{pipeline_id}/stages": {
                "parameters": [PIPELINE_ID],
                "post": operation(
                    "add_stage", "Add a stage at the end of a pipeline (admins).",
                    {201: created_stage}, (401, 403, 404, 422), body=ref("StageCreate"),
                ),
            },
            "/stages/{stage_id}": {
                "parameters": [path_id("stage_id", "The stage's id.")],
                "get": operation(
                    "show_stage", "Show a stage.", {200: ok("The stage.", ref("Stage"))},
                    (401, 404),
                ),
                "patch": operation(
                    "update_stage", "Rename, mark or move a stage (admins).",
                    {200: ok("The stage.", ref("Stage"))}, (401, 403, 404, 422),
                    body=ref("StageUpdate"),
                ),
                "delete": {
                    **operation(
                        "delete_stage",
                        "Delete an empty stage (admins); a pipeline keeps at least one.",
                        {204: {"description": "Deleted."}}, (401, 403, 404, 422),
                    ),
                    "security": UNSAFE_SECURITY,
                },
            },
            "/leads": {
                "get": operation(
                    "list_leads", "List leads, filtered, a page at a time (by stage, then rank).",
                    {200: ok("One page of leads.", lead_page)}, (401, 422),
                    parameters=list_filters,
                ),
                "post": operation(
                    "create_lead", "Create a lead at the top of its stage.",
                    {201: created}, (401, 403, 422), body=ref("LeadCreate"),
                ),
            },
            "/leads/{lead_id}": {
                "parameters": [LEAD_ID],
                "get": operation("show_lead", "Show a lead.", {200: lead_ok}, (401, 404)),
                "patch": operation(
                    "update_lead", "Change some fields of a lead.", {200: lead_ok},
                    CHANGE_ERRORS, body=ref("LeadUpdate"),
                ),
                "delete": {
                    **operation(
                        "delete_lead", "Delete a lead and its timeline (managers and admins).",
                        {204: {"description": "Deleted."}}, (401, 403, 404),
                    ),
                    "security": UNSAFE_SECURITY,
                },
            },
            "/leads/{lead_id}/move": {
                "parameters": [LEAD_ID],
                "post": operation(
                    "move_lead", "Move a lead to a stage, next to a neighbour.", {200: lead_ok},
                    CHANGE_ERRORS, body=ref("Move"),
                ),
            },
            "/leads/{lead_id}/close": {
                "parameters": [LEAD_ID],
                "post": operation(
                    "close_lead", "Close a lead as won, lost or cancelled.", {200: lead_ok},
                    CHANGE_ERRORS, body=ref("Close"),
                ),
            },
            "/leads/{lead_id}/reopen": {
                "parameters": [LEAD_ID],
                "post": operation(
                    "reopen_lead", "Put a closed lead back on the board as to do.",
                    {200: lead_ok}, CHANGE_ERRORS, body=ref("Reopen"), body_required=False,
                ),
            },
            "/leads/{lead_id}/activities": {
                "parameters": [LEAD_ID],
                "get": operation(
                    "list_activities", "List a lead's timeline, newest first.",
                    {200: ok("The timeline.", {
                        "type": "object", "required": ["activities"],
                        "properties": {"activities": {"type": "array", "items": ref("Activity")}},
                    })},
                    (401, 404),
                ),
            },
            "/leads/{lead_id}/notes": {
                "parameters": [LEAD_ID],
                "post": operation(
                    "add_note", "Add a note, call or email to a lead's timeline.",
                    {201: ok("The new timeline entry.", ref("Activity"))},
                    (401, 403, 404, 422), body=ref("Note"),
                ),
            },
        },
        "components": {
            "schemas": {
                "Lead": LEAD,
                "LeadCreate": LEAD_CREATE,
                "LeadUpdate": LEAD_UPDATE,
                "Move": MOVE,
                "PipelineCreate": PIPELINE_CREATE,
                "PipelineUpdate": PIPELINE_UPDATE,
                "StageCreate": STAGE_CREATE,
                "StageUpdate": STAGE_UPDATE,
                "Close": CLOSE,
                "Reopen": REOPEN,
                "Note": NOTE,
                "Activity": ACTIVITY,
                "Pipeline": PIPELINE,
                "Stage": STAGE,
                "Error": ERROR,
                "Conflict": CONFLICT,
            },
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token; no CSRF token needed.",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The browser's login session.",
                },
                "csrfToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRFToken",
                    "description": "With a session, required on POST, PATCH and DELETE.",
                },
            },
        },
    }


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(build_document())
