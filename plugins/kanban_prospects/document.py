"""The prospect lists' part of the API's OpenAPI document."""

from __future__ import annotations

from typing import Any

from kanban.api.openapi import ok, operation, path_id, query, with_location
from kanban.api.schemas import ID
from kanban_prospects.lists import EXTRA, FIELDS
from kanban_prospects.models import RowStatus


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


STATUS = {"type": "string", "enum": list(RowStatus.ALL)}
COLUMN = {
    "type": "object", "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "field": {"type": "string", "enum": [EXTRA, *FIELDS],
                  "description": "The lead field the column fills; empty: an extra column, "
                                 "written into a new lead's description."},
    },
}


def schemas() -> dict[str, Any]:
    return {
        "ProspectList": {
            "type": "object",
            "properties": {
                "id": ID, "name": {"type": "string"},
                "owner_id": {"type": ["integer", "null"]},
                "columns": {"type": "array", "items": COLUMN},
                "created_at": {"type": "string", "format": "date-time"},
                "progress": {"type": "object", "properties": {
                    "rows": {"type": "integer"}, "contacted": {"type": "integer"},
                    "call_back": {"type": "integer"}, "leads": {"type": "integer"},
                    "won": {"type": "integer"},
                    "won_value": {"type": "object", "additionalProperties": {"type": "string"},
                                  "description": "Won value per currency."},
                    "not_interested": {"type": "object",
                                       "additionalProperties": {"type": "integer"},
                                       "description": "Rows not interested, by reason."},
                }},
            },
        },
        "ProspectRow": {
            "type": "object",
            "properties": {
                "id": ID, "list_id": ID, "position": {"type": "integer"},
                "cells": {"type": "array", "items": {"type": "string"}},
                "status": STATUS,
                "call_back_on": {"type": ["string", "null"], "format": "date"},
                "reason": {"type": "string"},
                "assignee_id": {"type": ["integer", "null"]},
                "lead_id": {"type": ["integer", "null"]},
            },
        },
    }


LIST_ID = path_id("list_id", "The prospect list's id.")
ROW_ID = path_id("row_id", "The row's id.")


def paths() -> dict[str, Any]:
    new_list = {"type": "object", "required": ["name", "columns"], "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "columns": {"type": "array", "minItems": 1, "maxItems": 60, "items": COLUMN}}}
    new_row = {"type": "object", "required": ["cells"], "properties": {
        "cells": {"type": "array", "items": {"type": "string"},
                  "description": "The row's cells in the list's column order."}}}
    change = {"type": "object", "properties": {
        "cells": {"type": "array", "items": {"type": "string"},
                  "description": "Corrected cells, in the list's column order."},
        "status": {"type": "string",
                   "enum": [s for s in RowStatus.ALL if s not in RowStatus.ON_A_LEAD]},
        "call_back_on": {"type": "string", "format": "date",
                         "description": "Required with call_back: today or later."},
        "reason": {"type": "string", "maxLength": 200,
                   "description": "Required with not_interested."},
        "assignee_id": {"type": ["integer", "null"],
                        "description": "Managers and admins only."}}}
    touch = {"type": "object", "required": ["kind", "body"], "properties": {
        "kind": {"type": "string", "enum": ["call", "email", "note"]},
        "body": {"type": "string", "minLength": 1, "maxLength": 20000}}}
    to_lead = {"type": "object", "properties": {
        "stage_id": {**ID, "description": "The stage of the new lead."},
        "existing_lead_id": {**ID, "description": "Instead of a new lead: an open lead with "
                                                  "the same contact, noted and linked."}}}
    made = {"type": "object", "properties": {"lead_id": ID, "row": ref("ProspectRow")}}
    rows = {"type": "object", "properties": {
        "rows": {"type": "array", "items": ref("ProspectRow")}, "total": {"type": "integer"},
        "page": {"type": "integer"}, "pages": {"type": "integer"}}}
    column = {"type": "string", "pattern": "^[0-9]{1,2}$"}
    return {
        "/prospect-lists": {
            "get": operation("listProspectLists", "Every prospect list, with its progress.",
                             {200: ok("The lists.", {"type": "object", "properties": {
                                 "lists": {"type": "array", "items": ref("ProspectList")}}})},
                             (401,)),
            "post": operation("createProspectList", "Create an empty list.",
                              {201: with_location(ok("The new list.", ref("ProspectList")))},
                              (401, 403, 422), body=new_list),
        },
        "/prospect-lists/{list_id}": {
            "get": operation("getProspectList", "One list with its progress.",
                             {200: ok("The list.", ref("ProspectList"))}, (401, 404),
                             parameters=[LIST_ID]),
        },
        "/prospect-lists/{list_id}/rows": {
            "get": operation(
                "listProspectRows", "A page of the list's rows (50 a page).",
                {200: ok("The rows.", rows)}, (401, 404, 422), parameters=[
                    LIST_ID,
                    query("q", {"type": "string"}, "Rows with this text in any column."),
                    query("status", STATUS, "Rows with this status."),
                    query("column", column, "With value: filter on this column (from 0)."),
                    query("value", {"type": "string"}, "Text the column contains."),
                    query("sort", column, "Sort by this column (from 0)."),
                    query("order", {"type": "string", "enum": ["asc", "desc"]}, "Order."),
                    query("page", {"type": "integer", "minimum": 1}, "Page."),
                ]),
            "post": operation("addProspectRow", "Add a row at the end of the list.",
                              {201: with_location(ok("The new row.", ref("ProspectRow")))},
                              (401, 403, 404, 422), body=new_row, parameters=[LIST_ID]),
        },
        "/prospect-rows/{row_id}": {
            "get": operation("getProspectRow", "One row.",
                             {200: ok("The row.", ref("ProspectRow"))}, (401, 404),
                             parameters=[ROW_ID]),
            "patch": operation("changeProspectRow",
                               "Correct a row, set its status or who works it.",
                               {200: ok("The row.", ref("ProspectRow"))},
                               (401, 403, 404, 409, 422), body=change, parameters=[ROW_ID]),
        },
        "/prospect-rows/{row_id}/touches": {
            "post": operation("logProspectTouch", "Keep a call, an email or a note on a row.",
                              {201: ok("The touch.", {"type": "object"})},
                              (401, 403, 404, 422), body=touch, parameters=[ROW_ID]),
        },
        "/prospect-rows/{row_id}/lead": {
            "post": operation("makeLeadFromProspectRow",
                              "Make a lead of the row (or note it on an open lead).",
                              {201: with_location(ok("The lead and the row.", made))},
                              (401, 403, 404, 409, 422), body=to_lead, parameters=[ROW_ID]),
        },
    }
