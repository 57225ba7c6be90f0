"""The requests webhooks send, for the OpenAPI document's ``webhooks`` section."""

from __future__ import annotations

from typing import Any

from kanban_webhooks.delivery import EVENTS, TEST_EVENT
from kanban_webhooks.signing import HEADER

BODY = {
    "type": "object",
    "required": ["event", "event_id", "occurred_at", "lead_id", "pipeline_id", "stage_id",
                 "actor_id", "details", "lead"],
    "properties": {
        "event": {"type": "string", "enum": [f"lead.{kind}" for kind in EVENTS] + [TEST_EVENT]},
        "event_id": {"type": ["integer", "null"],
                     "description": "The event's id in GET /events; null for a test."},
        "occurred_at": {"type": "string", "format": "date-time"},
        "lead_id": {"type": ["integer", "null"]},
        "pipeline_id": {"type": ["integer", "null"]},
        "stage_id": {"type": ["integer", "null"],
                     "description": "The lead's stage after the change."},
        "actor_id": {"type": ["integer", "null"],
                     "description": "Who made the change; null: a source or the system."},
        "details": {"type": "object",
                    "description": "The event's own facts, as in GET /events (payload)."},
        "lead": {"oneOf": [{"$ref": "#/components/schemas/Lead"}, {"type": "null"}],
                 "description": "The lead as it is when the event is sent; null once "
                                "deleted, and for a test."},
    },
}
HEADERS = [
    {"name": HEADER, "in": "header", "required": True, "schema": {"type": "string"},
     "description": "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" with the "
                    "subscription's secret>. Recompute it, compare in constant time, and "
                    "refuse a t more than five minutes away."},
    {"name": "Kanban-Event", "in": "header", "required": True, "schema": {"type": "string"}},
    {"name": "Kanban-Delivery", "in": "header", "required": True,
     "schema": {"type": "string"}, "description": "The same for every retry of a delivery."},
]


def webhooks_document() -> dict[str, Any]:
    return {
        "leadEvent": {
            "post": {
                "summary": "A lead event, sent to each subscribed address.",
                "description": (
                    "Sent as soon as the change is committed. Answer 2xx within 10 seconds; "
                    "anything else is retried after 1, 2, 4, ... 128 minutes, and an address "
                    "that fails through all of them, receiving nothing meanwhile, is paused "
                    "until an admin resumes it. "
                    "Redirects are not followed."),
                "parameters": HEADERS,
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": BODY}}},
                "responses": {"200": {"description": "Received."}},
            }
        }
    }
