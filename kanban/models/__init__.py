"""The core's data model: users, pipelines and stages, leads and their timeline."""

from kanban.models.activity import TOUCH_KINDS, Activity, ActivityKind
from kanban.models.client import Client, ClientRating
from kanban.models.idempotency import IdempotencyKey
from kanban.models.lead import Lead, LeadStatus, LeadTag, NextActionKind, Priority
from kanban.models.pipeline import Pipeline, Stage
from kanban.models.token import ApiToken
from kanban.models.user import Role, User

__all__ = [
    "Activity",
    "ActivityKind",
    "ApiToken",
    "Client",
    "ClientRating",
    "IdempotencyKey",
    "Lead",
    "LeadStatus",
    "LeadTag",
    "NextActionKind",
    "Pipeline",
    "Priority",
    "Role",
    "Stage",
    "TOUCH_KINDS",
    "User",
]
