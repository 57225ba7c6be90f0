"""The core's data model: users, pipelines and stages, leads and their timeline."""

from kanban.models.activity import TOUCH_KINDS, Activity, ActivityKind
from kanban.models.client import Client, ClientRating, folder_search_text
from kanban.models.event import LeadEvent
from kanban.models.export import ExportRecord
from kanban.models.idempotency import IdempotencyKey
from kanban.models.job import Job
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
from kanban.models.saved_view import SavedView
from kanban.models.token import ApiToken
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
