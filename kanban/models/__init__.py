"""The core's data model: users, pipelines and stages, leads and their timeline.

The tables no other table points at (background jobs, exports, saved views, API tokens,
idempotency keys) are mapped when first named here, so that a command that never uses
them (``kanban mail ingest``, once per message) does not build them;
``kanban.schema.load_all_models`` maps them for the whole schema.
"""

from importlib import import_module
from typing import Any

from kanban.models.activity import TOUCH_KINDS, Activity, ActivityKind
from kanban.models.client import Client, ClientRating, folder_search_text
from kanban.models.event import LeadEvent
from kanban.models.lead import (
    Lead,
    LeadStatus,
    LeadTag,
    NextActionKind,
    Priority,
    lead_search_text,
    new_lead_row,
)
from kanban.models.notification import DigestSent, Notification, OwnerRule
from kanban.models.pipeline import Pipeline, Stage, default_win_probability
from kanban.models.user import Role, User

__all__ = [
    "Activity",
    "ActivityKind",
    "ApiToken",
    "Client",
    "ClientRating",
    "DigestSent",
    "ExportRecord",
    "IdempotencyKey",
    "Job",
    "Lead",
    "LeadEvent",
    "LeadStatus",
    "LeadTag",
    "NextActionKind",
    "Notification",
    "OwnerRule",
    "Pipeline",
    "Priority",
    "Role",
    "SavedView",
    "Stage",
    "TOUCH_KINDS",
    "User",
    "default_win_probability",
    "folder_search_text",
    "lead_search_text",
    "new_lead_row",
]

MAPPED_WHEN_NAMED = {
    "ApiToken": "kanban.models.token",
    "ExportRecord": "kanban.models.export",
    "IdempotencyKey": "kanban.models.idempotency",
    "Job": "kanban.models.job",
    "SavedView": "kanban.models.saved_view",
}


def __getattr__(name: str) -> Any:
    module = MAPPED_WHEN_NAMED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
