from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kanban.extensions import db
from kanban.models.base import UTCDateTime, utcnow


class IdempotencyKey(db.Model):
    """A request a client may send again: its key, and the first answer it got."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),
        Index("ix_idempotency_keys_created_at", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose key it is: one user (or token) of the API, or one web form.
    scope: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the request, to tell a replay from another request under the same key.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # Empty while the first request is still being answered.
    status: Mapped[int | None] = mapped_column()
    body: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(120), default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
