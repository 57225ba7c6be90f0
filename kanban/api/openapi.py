"""The OpenAPI 3.1 document of the JSON API, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, jsonify, request

from kanban.api import bp
from kanban.api.helpers import MAX_ID, MAX_PAGE
from kanban.api.schemas import ID, SCHEMAS, ref
from kanban.auth import public
from kanban.plugins import get_hook
from kanban.services import outbox

JSON = "application/json"


ERROR_TEXT = {
    400: "Malformed JSON (code bad_json), or a missing CSRF token with a session (code csrf).",
    401: "No login and no valid API token (a revoked token or a deactivated user's).",
    403: ("The user's role does not allow this (pipelines and stages: admins only; giving "
          "a lead to someone else: managers and admins)."),
    404: "No such lead, pipeline or stage.",
    409: "The lead changed since it was read, or the neighbours moved: here is the current state."
         " Also a stage deleted while a card moved into it, or a card moved into a stage"
         " being deleted.",
    413: "The body is larger than the server accepts.",
    415: "The body is not sent as application/json.",
    422: "Some input is not valid; `fields` says what is wrong with each.",
    503: "The database did not answer (unreachable, locked too long, full or read-only); nothing"
         " was saved (code unavailable). Send the request again after the seconds in"
         " Retry-After.",
}


def error(status: int) -> dict[str, Any]:
    """Describe an error answer with its JSON body."""
    schema = ref("Conflict") if status == 409 else ref("Error")
    return {"description": ERROR_TEXT[status], "content": {JSON: {"schema": schema}}}


def ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Describe a successful JSON answer."""
    return {"description": description, "content": {JSON: {"schema": schema}}}


def delete_operation(operation_id: str, summary: str, errors: tuple[int, ...]) -> dict[str, Any]:
    """Describe a DELETE: no body, yet the same CSRF rule as every other change."""
    return {
        **operation(operation_id, summary, {204: {"description": "Deleted."}}, errors),
        "security": UNSAFE_SECURITY,
    }


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
    """Describe an operation; a body brings the CSRF rule and the 400, 413 and 415 answers."""
    op: dict[str, Any] = {"operationId": operation_id, "summary": summary}
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = {"required": body_required, "content": {JSON: {"schema": body}}}
        op["security"] = UNSAFE_SECURITY
        errors = (400, *errors, 413, 415)
    errors = (*errors, 503)  # any request may meet a database that cannot answer
    op["responses"] = {
        str(status): response
        for status, response in sorted({**responses, **{s: error(s) for s in errors}}.items())
    }
    return op


def path_id(name: str, what: str) -> dict[str, Any]:
    """Describe an id in the path."""
    return {"name": name, "in": "path", "required": True, "schema": ID, "description": what,
            "example": 1}


def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    """Describe an optional query-string parameter."""
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


SAFE_SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]
UNSAFE_SECURITY = [{"bearerAuth": []}, {"sessionCookie": [], "csrfToken": []}]
LEAD_ID = path_id("lead_id", "The lead's id.")
PIPELINE_ID = path_id("pipeline_id", "The pipeline's id.")
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "Any unique text, such as a UUID. Sent again with the same body (within "
                   "24 hours), the request is not run again: the first answer comes back, "
                   "with the header Idempotent-Replayed. The same key with another body is "
                   "refused with 422; while the first request is still running, 409 (send "
                   "it again in a moment).",
}


def with_location(response: dict[str, Any]) -> dict[str, Any]:
    """Add the Location header of a created resource."""
    response["headers"] = {
        "Location": {"description": "The new resource's address.", "schema": {"type": "string"}}
    }
    return response


CHANGE_ERRORS = (401, 403, 404, 409, 422)
PRIORITY_FILTER = query(
    "priority",
    {"type": "string", "enum": [
        "1", "2", "3", "A", "B", "C", "D", "clients", "prospects", "high", "normal", "low"]},
    "Prospects of priority 1 to 3, clients of class A to D, or every client or prospect.",
)
STARRED_FILTER = query("starred", {"type": "string", "enum": ["1", "0"]}, "1: only starred leads.")


def build_document() -> dict[str, Any]:
    """Return the OpenAPI document of the API as it is configured in this app."""
    document = _core_document()
    if has_request_context():  # the API as this request reached it, under any mount path
        document["servers"][0]["url"] = f"{request.script_root}/api/v1"
    for found in get_hook("kanban_openapi_paths")():
        document["paths"].update(found or {})
    for found in get_hook("kanban_openapi_schemas")():
        document["components"]["schemas"] = {**document["components"]["schemas"],
                                             **(found or {})}
    webhooks: dict[str, Any] = {}
    for found in get_hook("kanban_openapi_webhooks")():
        webhooks.update(found or {})
    if webhooks:
        document["webhooks"] = webhooks
    return document


def _core_document() -> dict[str, Any]:
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
            **pipeline_paths(),
            **lead_paths(),
            **agenda_paths(),
            **search_paths(),
            **event_paths(),
        },
        "components": {
            "schemas": SCHEMAS,
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


def pipeline_paths() -> dict[str, Any]:
    """Describe reading pipelines and stages, and the admins' changes to them."""
    created_pipeline = with_location(ok("The new pipeline.", ref("Pipeline")))
    created_stage = with_location(ok("The new stage.", ref("Stage")))
    return {
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
        "delete": delete_operation(
            "delete_pipeline",
            "Delete a pipeline and its stages (admins); refused while it holds leads.",
            (401, 403, 404, 422),
        ),
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
        "delete": delete_operation(
            "delete_stage",
            "Delete an empty stage (admins); a pipeline keeps at least one.",
            (401, 403, 404, 409, 422),
        ),
    },
    }


def paging(per_page: str) -> list[dict[str, Any]]:
    """The page and page-size parameters of a list, a page at a time."""
    return [
        query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
              "The page, from 1."),
        query("per_page", {"type": "integer", "minimum": 1,
                           "maximum": current_app.config["API_MAX_PAGE_SIZE"],
                           "default": current_app.config["API_PAGE_SIZE"]}, per_page),
    ]


def lead_paths() -> dict[str, Any]:
    """Describe listing, reading and changing leads and their timelines."""
    max_page_size = current_app.config["API_MAX_PAGE_SIZE"]
    lead_ok = ok("The lead as it is now.", ref("Lead"))
    list_filters = [
        query("stage_id", ID, "Only leads in this stage."),
        query("pipeline_id", ID, "Only leads in this pipeline."),
        query("owner_id", {"anyOf": [ID, {"type": "string", "const": "none"}]},
              "Only leads owned by this user; none: the leads nobody owns."),
        query("tag", {"type": "string", "maxLength": 64}, "Only leads with this tag."),
        query("client_id", ID, "Only leads in this client folder."),
        PRIORITY_FILTER,
        STARRED_FILTER,
        query("attention", {"type": "string",
                            "enum": ["todo", "overdue", "stale", "proposals"]},
              "Open leads to do now, with an overdue next action, stale, or in a proposal "
              "stage."),
        query("status", {"type": "string",
                         "enum": ["open", "won", "lost", "cancelled", "closed", "all"],
                         "default": "open"}, "closed means won, lost or cancelled."),
        query("q", {"type": "string", "maxLength": 200},
              "Text in the title, company, contact name, email or phone."),
        query("created_from", {"type": "string", "format": "date"}, "Created on or after."),
        query("created_to", {"type": "string", "format": "date"}, "Created on or before."),
        *paging("Leads per page."),
    ]

    def one_page(key: str, item: str) -> dict[str, Any]:
        return {
            "type": "object",
            "required": [key, "page", "per_page", "total"],
            "properties": {
                key: {"type": "array", "items": ref(item)},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": max_page_size},
                "total": {"type": "integer", "minimum": 0},
            },
        }

    lead_page = one_page("leads", "Lead")
    created = with_location(ok("The new lead.", ref("Lead")))
    return {
    "/leads": {
        "get": operation(
            "list_leads", "List leads, filtered, a page at a time (by stage, then rank).",
            {200: ok("One page of leads.", lead_page)}, (401, 422),
            parameters=list_filters,
        ),
        "post": operation(
            "create_lead", "Create a lead at the top of its stage.",
            {201: created}, (401, 403, 422), body=ref("LeadCreate"),
            parameters=[IDEMPOTENCY_KEY],
        ),
    },
    "/leads/{lead_id}": {
        "parameters": [LEAD_ID],
        "get": operation("show_lead", "Show a lead.", {200: lead_ok}, (401, 404)),
        "patch": operation(
            "update_lead", "Change some fields of a lead.", {200: lead_ok},
            CHANGE_ERRORS, body=ref("LeadUpdate"),
        ),
        "delete": delete_operation(
            "delete_lead", "Delete a lead and its timeline (managers and admins).", (401, 403, 404)
        ),
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
    "/leads/{lead_id}/take": {
        "parameters": [LEAD_ID],
        "post": operation(
            "take_lead", "Take a lead nobody owns; 409 names who took it first.",
            {200: lead_ok}, (401, 403, 404, 409, 422), body=ref("Take"), body_required=False,
        ),
    },
    "/leads/{lead_id}/activities": {
        "parameters": [LEAD_ID],
        "get": operation(
            "list_activities",
            "List a lead's timeline, newest first, ending with the lead's creation.",
            {200: ok("One page of the timeline.", one_page("activities", "Activity"))},
            (401, 404, 422), parameters=paging("Entries per page."),
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
    }


def agenda_paths() -> dict[str, Any]:
    """Describe today's agenda."""
    return {
    "/agenda": {
        "get": operation(
            "show_agenda",
            "Today's agenda: proposals in progress, new leads nobody owns, then follow-ups "
            "due, by priority.",
            {200: ok("The agenda.", ref("Agenda"))}, (401, 422),
            parameters=[
                query("owner_id", {"type": "string", "pattern": "^(all|[1-9][0-9]{0,17})$"},
                      "Whose agenda: a user's id, or all for the whole team (default: "
                      "the caller's own)."),
                PRIORITY_FILTER,
                STARRED_FILTER,
                query("sort", {"type": "string", "enum": ["priority", "next_action"],
                               "default": "priority"},
                      "Follow-ups by priority, then date; or by date, then priority."),
            ],
        ),
    },
    }


def search_paths() -> dict[str, Any]:
    """Describe the search of leads, client folders and contacts."""
    return {
    "/search": {
        "get": operation(
            "search",
            "Find leads, client folders and contacts whose text contains q, whatever its "
            "case and accents; the first 20 of each kind with how many there are in all.",
            {200: ok("What was found, by kind.", ref("SearchResults"))}, (401,),
            parameters=[query("q", {"type": "string", "maxLength": 200},
                              "The text to find; empty finds nothing.")],
        ),
    },
    }


def event_paths() -> dict[str, Any]:
    """Describe the lead event outbox."""
    return {
    "/events": {
        "get": operation(
            "listEvents",
            "What happened to leads (created, moved, updated, noted, won, lost, cancelled, "
            "reopened, deleted), oldest first, after the event with id `after`. Read again "
            "from `last_id` to follow along; events are kept for OUTBOX_KEEP_DAYS days.",
            {200: ok("The events after `after`.", ref("EventPage"))}, (401, 422),
            parameters=[
                query("after", {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                      "The last event id already seen; 0 (the default) reads from the oldest."),
                query("limit", {"type": "integer", "minimum": 1,
                                "maximum": outbox.MAX_READ},
                      "At most this many events."),
            ],
        ),
    },
    }


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(build_document())

