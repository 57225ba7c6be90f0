"""Webhook subscriptions (an address told of lead events) and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kanban.extensions import db
from kanban.models.base import JSONType, UTCDateTime, utcnow


class Subscription(db.Model):
    """An address that receives the lead events it asked for, signed with its secret.

    ``last_event_id`` is the last outbox event looked at for it: a new subscription starts
    at the newest event, so it is told of what happens from then on."""

    __tablename__ = "webhook_subscriptions"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Only events that leave the lead in this stage (a lead entering it: moved, created);
    # None: every stage.
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    secret: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_reason: Mapped[str] = mapped_column(String(255), default="")
    failures_in_a_row: Mapped[int] = mapped_column(default=0)
    last_event_id: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="subscription", cascade="all, delete-orphan", passive_deletes=True)


class Delivery(db.Model):
    """One event sent (or to be sent) to one subscription, with every attempt's outcome."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "state", "next_at"),
        Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))  # lead.created, lead.won, ping...
    event_id: Mapped[int | None] = mapped_column()  # the outbox event; None for a test
    body: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="pending")  # sending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column()
    error: Mapped[str] = mapped_column(Text, default="")
    duration_ms: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subscription: Mapped[Subscription] = relationship(back_populates="deliveries")
