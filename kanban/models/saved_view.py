"""A person's saved board filters, kept by name and shown beside the filters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kanban.extensions import db
from kanban.models.base import UTCDateTime, utcnow
from kanban.models.user import User


class SavedView(db.Model):
    """The board's filters (its query string) under a name; shared views show to everyone."""

    __tablename__ = "saved_views"
    __table_args__ = (
        # The board lists a person's own views and the team's shared ones, by name.
        Index("ix_saved_views_owner_name", "owner_id", "name"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(2000), default="")
    shared: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<SavedView {self.name}>"
