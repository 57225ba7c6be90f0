from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kanban.extensions import db
from kanban.models.base import JSONType, UTCDateTime, utcnow
from kanban.models.user import User

if TYPE_CHECKING:
    from kanban.models.lead import Lead


class ActivityKind(enum.StrEnum):
    NOTE = "note"
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    STAGE_CHANGE = "stage_change"
    EDIT = "edit"
    SYSTEM = "system"


# Entries that record contact with the prospect, as opposed to the app's own records.
TOUCH_KINDS = (ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING)


class Activity(db.Model):
    """One entry on a lead's timeline. Plugins may use their own ``kind`` and ``payload``."""

    __tablename__ = "activities"
    __table_args__ = (
        # A lead's timeline, newest first (ties by id): also its last touch, read backwards.
        Index("ix_activities_lead_created", "lead_id", "created_at", "id"),
        # Results: stage changes (proposals made) in a period.
        Index("ix_activities_kind_created", "kind", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32), default=ActivityKind.NOTE.value)
    body: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
    lead: Mapped[Lead] = relationship(back_populates="activities")
