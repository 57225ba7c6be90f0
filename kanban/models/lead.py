from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import DDL, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, event
from sqlalchemy import inspect as inspect_object
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kanban.extensions import db
from kanban.folding import fold_fields
from kanban.models.activity import Activity
from kanban.models.base import (
    JSONType,
    RankKey,
    UTCDateTime,
    local_day,
    stale_cutoff,
    time_now_on,
    utcnow,
)
from kanban.models.client import Client
from kanban.models.pipeline import Stage
from kanban.models.user import User
from kanban.phones import phone_key, phone_search_digits


class LeadStatus(enum.StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    CANCELLED = "cancelled"


class NextActionKind(enum.StrEnum):
    TODO = "todo"
    STANDBY = "standby"


class Priority(enum.IntEnum):
    """A prospect's priority: 1 can bring a lot quickly, 3 is small or far off."""

    FIRST = 1
    SECOND = 2
    THIRD = 3


# What a search looks in, in this order (one line each in ``search_text``).
SEARCHED_FIELDS = ("title", "company", "contact_name", "email", "phone")
# The contact's own fields are the last ones: a term found after the second line
# break of ``search_text`` was found in the contact person, email or phone.
CONTACT_FIELDS = SEARCHED_FIELDS[2:]


def lead_search_text(values: Mapping[str, Any]) -> str:
    """Return what a lead's ``search_text`` holds for these field values."""
    return fold_fields(*(values.get(name) for name in SEARCHED_FIELDS))


def new_lead_row(values: Mapping[str, Any], *, stage_id: int, rank: str,
                 now: datetime) -> dict[str, Any]:
    """A new lead's row as written: its clean values, where it sits, when it was made, and
    the columns derived from its fields (searched text, phone key and digits)."""
    phone = values.get("phone")
    return {"created_at": now, "updated_at": now, "touched_at": now,
            **values, "stage_id": stage_id, "rank": rank, "search_text": lead_search_text(values),
            "phone_key": phone_key(phone), "phone_search_digits": phone_search_digits(phone)}


class Lead(db.Model):
    """One potential sale: one card on the board."""

    __tablename__ = "leads"
    __table_args__ = (
        # Two leads never share a place in a column; concurrent moves into the same
        # gap are caught here and retried by the move service.
        UniqueConstraint("stage_id", "rank", name="uq_leads_stage_rank"),
        # Covers the board's column totals (count and sum per stage and currency).
        Index("ix_leads_board_totals", "status", "stage_id", "currency", "value"),
        # Today's agenda: one owner's open leads by follow-up date.
        Index("ix_leads_agenda", "owner_id", "status", "next_action_date"),
        # Results: leads closed in a period.
        Index("ix_leads_closed", "status", "closed_at"),
        # Finding a contact's leads (duplicates, and whether the contact is a client).
        Index("ix_leads_email_status", "email", "status"),
        # ix_leads_search_text joins with the whole schema: see add_search_index.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(120), default="manual")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    priority: Mapped[int] = mapped_column(default=Priority.SECOND.value)
    starred: Mapped[bool] = mapped_column(default=False)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="RESTRICT"), index=True)
    rank: Mapped[str] = mapped_column(RankKey)
    status: Mapped[str] = mapped_column(String(16), default=LeadStatus.OPEN.value)
    lost_reason: Mapped[str] = mapped_column(String(255), default="")
    next_action_kind: Mapped[str] = mapped_column(String(16), default=NextActionKind.TODO.value)
    next_action_date: Mapped[date | None] = mapped_column()
    # A time of day for the next action (the team's time zone); None: any time that day.
    next_action_time: Mapped[time | None] = mapped_column()
    next_action_text: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last touch (a note, call, email, meeting) or stage change: stale leads are
    # the ones nobody has touched for longer than their stage allows.
    touched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # The searched fields folded by kanban.folding, kept by the events below.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The phone's last digits (kanban.phones.phone_key), kept by the events below: the one
    # duplicate rule compares phones on it, whatever their punctuation.
    phone_key: Mapped[str] = mapped_column(String(10), default="", server_default="", index=True)
    # The digits of every number in the phone (kanban.phones.phone_search_digits), kept by
    # the events below: a number typed in a search finds the lead by any of them.
    phone_search_digits: Mapped[str] = mapped_column(String(64), default="", server_default="")

    stage: Mapped[Stage] = relationship()
    owner: Mapped[User | None] = relationship()
    client: Mapped[Client | None] = relationship()
    activities: Mapped[list[Activity]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Activity.created_at",
    )
    tag_rows: Mapped[list[LeadTag]] = relationship(
        cascade="all, delete-orphan", order_by="LeadTag.tag", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]

    @tags.setter
    def tags(self, names: list[str]) -> None:
        wanted = list(dict.fromkeys(names))
        keep = [row for row in self.tag_rows if row.tag in wanted]
        have = {row.tag for row in keep}
        self.tag_rows = keep + [LeadTag(tag=name) for name in wanted if name not in have]

    @property
    def is_open(self) -> bool:
        return self.status == LeadStatus.OPEN

    def is_standby(self, today: date) -> bool:
        """A standby lead comes back to *to do* by itself once its date arrives."""
        return (
            self.next_action_kind == NextActionKind.STANDBY
            and self.next_action_date is not None
            and self.next_action_date > today
        )

    def is_overdue(self, today: date) -> bool:
        """Tell whether the follow-up is late: its day has passed, or it is today at a time
        already past in the team's zone (SQL: ``kanban.services.queries.overdue_condition``)."""
        if not self.is_open or self.next_action_date is None or self.is_standby(today):
            return False
        if self.next_action_date < today:
            return True
        now = time_now_on(today) if self.next_action_time is not None else None
        return (self.next_action_date == today and now is not None
                and self.next_action_time < now)

    def is_to_do(self, today: date) -> bool:
        """Tell whether the lead waits for its next action now (to do, or back from standby)."""
        return self.is_open and not self.is_standby(today)

    def days_untouched(self, today: date) -> int:
        return max(0, (today - local_day(self.touched_at)).days)

    def is_stale(self, today: date) -> bool:
        """Tell whether nobody has touched the open lead for longer than its stage allows.

        A lead in standby is waiting on purpose, so it is not stale until its date.
        """
        limit = self.stage.stale_days if self.stage is not None else None
        return (
            self.is_open
            and bool(limit)
            and not self.is_standby(today)
            and self.touched_at < stale_cutoff(today, limit)
        )

    def __repr__(self) -> str:
        return f"<Lead #{self.id} {self.title!r}>"


@event.listens_for(Lead, "before_insert")
@event.listens_for(Lead, "before_update")
def _keep_derived_columns(_mapper, _connection, lead: Lead) -> None:
    """Fold the searched fields (and key the phone, and keep its digits) whenever they are
    written, whoever writes them."""
    state = inspect_object(lead)
    if state.pending or any(
        state.attrs[name].history.has_changes() for name in SEARCHED_FIELDS
    ):
        lead.search_text = lead_search_text(
            {name: getattr(lead, name) for name in SEARCHED_FIELDS}
        )
        lead.phone_key = phone_key(lead.phone)
        lead.phone_search_digits = phone_search_digits(lead.phone)


def add_search_index() -> None:
    """Declare the index for searching a piece of text (LIKE '%term%') on PostgreSQL; SQLite
    has no index for that and reads the column in the table, which is fast enough there.

    Its options are PostgreSQL's, and naming them loads PostgreSQL's dialect, even for an
    app on SQLite: it is declared with the whole schema (``kanban.schema``), when tables
    are created, migrated or compared, not by every command that reads a lead.
    """
    if not any(index.name == "ix_leads_search_text" for index in Lead.__table__.indexes):
        Index("ix_leads_search_text", Lead.__table__.c.search_text, postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"})


# The trigram operators behind ix_leads_search_text, for databases made from the models.
event.listen(
    Lead.__table__, "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


class LeadTag(db.Model):
    __tablename__ = "lead_tags"

    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
