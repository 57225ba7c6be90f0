"""What the team is told: notifications, the owner rules of lead sources, digests sent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kanban.extensions import db
from kanban.models.base import JSONType, UTCDateTime, utcnow
from kanban.models.user import User


class Notification(db.Model):
    """One thing a person is told about, in the app and, if they want, by email.

    The words are written when shown, in the reader's language, from ``kind`` and
    ``payload``."""

    __tablename__ = "notifications"
    __table_args__ = (
        # Said once: a follow-up gone overdue on a given day, a lead handed over once.
        UniqueConstraint("user_id", "once_key", name="uq_notifications_user_once"),
        # The bell's unread count and the list, newest first.
        Index("ix_notifications_user_read", "user_id", "read_at", "id"),
        # Emails waiting to be sent (or sent again).
        Index("ix_notifications_email", "email_state", "email_next_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="SET NULL"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    once_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "" (not by email), pending, sending, sent or failed (gave up after the last try).
    email_state: Mapped[str] = mapped_column(String(12), default="")
    email_attempts: Mapped[int] = mapped_column(default=0)
    email_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_error: Mapped[str] = mapped_column(String(255), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OwnerRule(db.Model):
    """Who owns the new leads of one source: nobody, one person, or people in turn."""

    __tablename__ = "owner_rules"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # The source: "email", "import", "api", or one web form ("web form:3").
    source: Mapped[str] = mapped_column(String(120), unique=True)
    rule: Mapped[str] = mapped_column(String(16), default="none")
    user_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    # How many leads the round-robin has handed out: the next one goes to turn % people.
    turn: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DigestSent(db.Model):
    """The morning digest a person was sent on a day: never twice."""

    __tablename__ = "digests_sent"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
