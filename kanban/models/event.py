"""The lead event outbox: one row per lead change, written in the change's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kanban.extensions import db
from kanban.models.base import JSONType, UTCDateTime, utcnow


class LeadEvent(db.Model):
    """Something that happened to a lead: the one source that open boards, webhooks and
    other systems read, in order, from the last id they saw.

    No foreign keys: an event outlives the lead it is about (a deleted lead's event says
    so), and is forgotten after ``OUTBOX_KEEP_DAYS``."""

    __tablename__ = "lead_events"
    __table_args__ = (
        Index("ix_lead_events_created_at", "created_at"),
        {"sqlite_autoincrement": True},  # ids only grow: a reader resumes after the last one
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    lead_id: Mapped[int] = mapped_column(index=True)
    pipeline_id: Mapped[int | None] = mapped_column()
    stage_id: Mapped[int | None] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column()
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
