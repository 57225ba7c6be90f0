from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kanban.extensions import db
from kanban.models.base import JSONType, UTCDateTime, utcnow
from kanban.models.user import User


class ExportRecord(db.Model):
    """One export of leads: who took it, when, with which filters, how many rows, as what."""

    __tablename__ = "export_records"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: taken on the server's command line, not by a person in the app.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    row_count: Mapped[int] = mapped_column(default=0)
    format: Mapped[str] = mapped_column(String(32))
    via: Mapped[str] = mapped_column(String(16), default="web")

    user: Mapped[User | None] = relationship()
