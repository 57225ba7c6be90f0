from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from kanban.extensions import db
from kanban.folding import fold
from kanban.models.base import UTCDateTime, utcnow


class ClientRating(enum.StrEnum):
    """How much a client matters: A carries the business, D will stay small."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class Client(db.Model):
    """A client folder: the leads of one client company, open, won and lost."""

    __tablename__ = "clients"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    rating: Mapped[str | None] = mapped_column(String(1))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The name folded by kanban.folding, kept by the events below.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    def __repr__(self) -> str:
        return f"<Client #{self.id} {self.name!r}>"


def folder_search_text(name: str | None) -> str:
    """Return what a client folder's ``search_text`` holds for this name."""
    return fold(name or "")


@event.listens_for(Client, "before_insert")
@event.listens_for(Client, "before_update")
def _keep_search_text(_mapper, _connection, client: Client) -> None:
    """Fold the name whenever it is written, whoever writes it."""
    client.search_text = folder_search_text(client.name)
