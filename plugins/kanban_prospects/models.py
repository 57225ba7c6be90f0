"""Prospect lists (a contact bank: names to offer to) and their rows, worked one by one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kanban.extensions import db
from kanban.models.base import JSONType, UTCDateTime, utcnow


class RowStatus:
    TO_CONTACT = "to_contact"
    CALL_BACK = "call_back"
    NOT_INTERESTED = "not_interested"
    LEAD = "lead"  # made a lead of its own
    NOTED = "noted"  # its person was on an open lead already: a note went there instead

    ALL = (TO_CONTACT, CALL_BACK, NOT_INTERESTED, LEAD, NOTED)
    ON_A_LEAD = (LEAD, NOTED)  # done with: the row points at its lead


class ProspectList(db.Model):
    """A named list shared with the team: its columns as the file had them.

    ``columns`` is ``[{"name": header, "field": lead field or ""}]``: a column with a field
    fills that lead field when a row becomes a lead; the others are extra columns."""

    __tablename__ = "prospect_lists"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    filename: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProspectRow(db.Model):
    """One name of a list: its cells, the mapped contact fields, and where it stands."""

    __tablename__ = "prospect_rows"
    __table_args__ = (
        Index("ix_prospect_rows_list", "list_id", "position"),
        # Covers the list's progress (its counts, reasons and leads) without reading rows.
        Index("ix_prospect_rows_progress", "list_id", "status", "reason", "contacted_at",
              "lead_id"),
        Index("ix_prospect_rows_call_back", "status", "call_back_on"),
        Index("ix_prospect_rows_lead", "lead_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("prospect_lists.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()  # the row's number in its list (its file line)
    cells: Mapped[list[str]] = mapped_column(JSONType, default=list)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    folded: Mapped[list[str]] = mapped_column(JSONType, default=list)  # cells as compared
    status: Mapped[str] = mapped_column(String(16), default=RowStatus.TO_CONTACT)
    call_back_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProspectTouch(db.Model):
    """A call, an email or a note logged on a row; carried to the lead the row becomes."""

    __tablename__ = "prospect_touches"
    __table_args__ = (
        Index("ix_prospect_touches_row", "row_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    row_id: Mapped[int] = mapped_column(ForeignKey("prospect_rows.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # call, email, note
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
