"""Background work: one row per job, its progress, outcome and who started it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kanban.extensions import db
from kanban.models.base import JSONType, UTCDateTime, utcnow
from kanban.models.user import User

QUEUED, RUNNING, RETRYING, DONE, FAILED, CANCELLED = (
    "queued", "running", "retrying", "done", "failed", "cancelled")
FINISHED = (DONE, FAILED, CANCELLED)


class Job(db.Model):
    """A piece of long work (an import, an export, a round of emails) run away from the
    request that asked for it: on an RQ worker when Redis is configured, else in a thread
    of the app. The row is its history and how its page follows it."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_user_id_id", "user_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)  # 0: not known
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a later round, a retry
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(lazy="joined")

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int | None:
        """How far along, 0-100, or None when the size of the work is not known."""
        if self.status == DONE:
            return 100
        if self.total <= 0:
            return None
        return min(100, self.done * 100 // self.total)
