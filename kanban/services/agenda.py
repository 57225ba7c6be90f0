"""Today's agenda: proposals in progress first, then the new leads nobody owns yet, then
the follow-ups due, by priority.

Importance before urgency: a salesperson opens the app on the proposals they have
invested in, then works through the leads whose next action is due (overdue first
within a priority), each shown with its last note so nobody has to open the lead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, case, func, select
from sqlalchemy.orm import aliased

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import TOUCH_KINDS, Activity, Lead, LeadStatus, NextActionKind, Stage, User
from kanban.models.base import time_now_on
from kanban.services.lead_views import LeadView, lead_rows_statement, views_of
from kanban.services.priorities import PriorityMark, priority_marks
from kanban.services.queries import (
    OVERDUE_AT,
    TO_DO,
    LeadFilter,
    filter_leads,
    overdue_condition,
    sort_leads,
)
from kanban.services.statements import built_once

AGENDA_LIMIT = 50  # rows per section: a morning's work; the rest are counted, on the board
AGENDA_SORTS = ("priority", "next_action")
EVERYONE = "all"
LOOK_AHEAD_DAYS = 7


@dataclass(frozen=True)
class AgendaFilter:
    """Whose agenda, and which leads of it: read from the address, so it can be bookmarked."""

    owner_id: int | None  # None: the whole team
    priority: str | None = None
    starred: bool = False
    sort: str = "priority"
    prospects_first: bool = False  # the reader's order: a hunter's prospects before clients

    @classmethod
    def from_args(cls, args: Mapping[str, Any], user: User) -> AgendaFilter:
        """Read the agenda's filters; a person sees their own agenda unless they choose."""
        owner = (args.get("owner_id") or "").strip()
        try:
            leads = LeadFilter.from_args(
                {"priority": args.get("priority"), "starred": args.get("starred"),
                 "owner_id": "" if owner == EVERYONE else owner}
            )
        except ValidationError as exc:
            errors = dict(exc.fields)
        else:
            errors = {}
            if leads.owner_id is not None and db.session.get(User, leads.owner_id) is None:
                errors["owner_id"] = _("This person is not on the team.")
        sort = (args.get("sort") or "priority").strip().lower()
        if sort not in AGENDA_SORTS:
            errors["sort"] = _("Sort by priority or by date.")
        if errors:
            raise ValidationError(_("Some filters are not valid."), fields=errors)
        return cls(
            owner_id=None if owner == EVERYONE else (leads.owner_id or user.id),
            priority=leads.priority, starred=leads.starred, sort=sort,
            prospects_first=bool(user.prospects_first),
        )

    def to_args(self, user: User) -> dict[str, str]:
        """Return the filters as address arguments (those that differ from the defaults)."""
        args = {}
        if self.owner_id is None:
            args["owner_id"] = EVERYONE
        elif self.owner_id != user.id:
            args["owner_id"] = str(self.owner_id)
        if self.priority:
            args["priority"] = self.priority
        if self.starred:
            args["starred"] = "1"
        if self.sort != "priority":
            args["sort"] = self.sort
        return args

    def lead_filter(self) -> LeadFilter:
        return LeadFilter(owner_id=self.owner_id, priority=self.priority, starred=self.starred)


@dataclass
class AgendaEntry:
    """One line of the agenda: the lead, how it ranks, and its last note."""

    lead: LeadView
    mark: PriorityMark
    last_touch: Touch | None
    is_overdue: bool
    is_stale: bool


@dataclass
class AgendaSection:
    entries: list[AgendaEntry] = field(default_factory=list)
    total: int = 0
    overdue: int = 0

    @property
    def has_more(self) -> bool:
        return self.total > len(self.entries)


@dataclass
class Agenda:
    day: date
    proposals: AgendaSection
    unassigned: AgendaSection  # new leads waiting for an owner: everyone's, oldest first
    follow_ups: AgendaSection
    coming_back: int  # leads in standby that come back to *to do* within a week


def load_agenda(filters: AgendaFilter, day: date, limit: int = AGENDA_LIMIT) -> Agenda:
    """Return the agenda for ``day``: a fixed number of queries, whatever the team's size."""
    statements = agenda_statements(filters, day, limit)
    connection = db.session.connection()
    sections = []
    for rows, counts in statements.sections:
        total, overdue = connection.execute(counts, {OVERDUE_AT: time_now_on(day)}).one()
        sections.append((list(connection.execute(rows).all()), (total, overdue)))
    # The three sections' leads are views of one batch: their stages come in one query.
    shown = views_of([row for rows, _counts in sections for row in rows])
    marks = priority_marks(shown)
    touches = last_touches([lead.id for lead in shown])
    start = 0
    done = []
    for rows, (total, overdue) in sections:
        leads = shown[start:start + len(rows)]
        start += len(rows)
        done.append(AgendaSection(
            [AgendaEntry(lead, marks[lead.id], touches.get(lead.id), lead.is_overdue(day),
                         lead.is_stale(day)) for lead in leads], total, overdue))
    coming_back = connection.scalar(statements.coming_back) or 0
    return Agenda(day, *done, coming_back)


@dataclass(frozen=True)
class AgendaStatements:
    """The agenda's statements for one choice of filters on one day: each section's first
    leads (as ``lead_rows``) with its counts (how many, how many late), and how many come
    back from standby soon."""

    sections: tuple[tuple[Select, Select], ...]  # proposals, unassigned, follow-ups
    coming_back: Select


def agenda_statements(filters: AgendaFilter, day: date, limit: int) -> AgendaStatements:
    """Return the agenda's statements, built once per app for the same filters and day."""
    return built_once("agenda", (filters, day, limit),
                      lambda: _build_statements(filters, day, limit))


def _build_statements(filters: AgendaFilter, day: date, limit: int) -> AgendaStatements:
    return AgendaStatements(
        (_section(_proposals(filters, day), filters, day, limit),
         _section(_unassigned(filters, day), filters, day, limit, oldest_first=True),
         _section(_follow_ups(filters, day), filters, day, limit)),
        _coming_back(filters, day),
    )


def follow_ups_statement(filters: AgendaFilter, day: date) -> Select:
    """Return the follow-ups query, ordered: the agenda's main statement."""
    return sort_leads(_follow_ups(filters, day), filters.sort, day=day,
                      prospects_first=filters.prospects_first)


def _proposals(filters: AgendaFilter, day: date) -> Select:
    """Open leads in a proposal stage, in standby or not: they always come first."""
    return filter_leads(filters.lead_filter(), on=day).where(_in_proposal_stage())


def _unassigned(filters: AgendaFilter, day: date) -> Select:
    """Open leads nobody owns (from web forms, mail, imports, the API): everyone sees them."""
    lead_filter = filters.lead_filter()
    lead_filter.owner_id, lead_filter.unowned = None, True
    return filter_leads(lead_filter, on=day)


def _follow_ups(filters: AgendaFilter, day: date) -> Select:
    """Open leads outside proposal stages whose next action is to do now."""
    lead_filter = filters.lead_filter()
    lead_filter.attention = TO_DO
    return filter_leads(lead_filter, on=day).where(~_in_proposal_stage())


def _in_proposal_stage():
    return Lead.stage_id.in_(select(Stage.id).where(Stage.is_proposal))


def _section(
    statement: Select, filters: AgendaFilter, day: date, limit: int, *,
    oldest_first: bool = False,
) -> tuple[Select, Select]:
    """Return a section's statements: its first leads in order (as ``lead_rows``), and
    how many it holds and how many are late."""
    ordered = (statement.order_by(Lead.created_at, Lead.id) if oldest_first else sort_leads(
        statement, filters.sort, day=day, prospects_first=filters.prospects_first))
    counts = statement.with_only_columns(
        func.count(Lead.id),
        func.coalesce(func.sum(case((overdue_condition(day), 1), else_=0)), 0),
    ).order_by(None)
    return lead_rows_statement(ordered.limit(limit), marks=False), counts


def _coming_back(filters: AgendaFilter, day: date) -> Select:
    soon = and_(
        Lead.status == LeadStatus.OPEN,
        Lead.next_action_kind == NextActionKind.STANDBY,
        Lead.next_action_date > day,
        Lead.next_action_date <= day + timedelta(days=LOOK_AHEAD_DAYS),
    )
    return filter_leads(filters.lead_filter(), select(func.count(Lead.id)), on=day).where(soon)


@dataclass(frozen=True, slots=True)
class Touch:
    """A lead's last note, call, email or meeting, as the agenda shows it (the timeline
    entry's fields, and its author's name)."""

    id: int
    lead_id: int
    author_id: int | None
    kind: str
    body: str
    payload: dict[str, Any]
    created_at: datetime
    author_name: str | None  # None: written by the system


TOUCH_AUTHOR = aliased(User, name="touch_author")


def last_touches(lead_ids: list[int]) -> dict[int, Touch]:
    """Return each lead's latest note, call, email or meeting, in one query.

    Each lead's entry is found by walking its own (lead, date) index backwards, so the
    time does not grow with the size of the whole timeline.
    """
    if not lead_ids:
        return {}
    entry = aliased(Activity)
    latest = (
        select(entry.id)
        .where(entry.lead_id == Lead.id, entry.kind.in_([k.value for k in TOUCH_KINDS]))
        .order_by(entry.created_at.desc(), entry.id.desc())
        .limit(1)
        .correlate(Lead)
        .scalar_subquery()
    )
    # A derived table of one entry id per lead shown: both databases work it out first,
    # then fetch each entry by its key.
    wanted = select(latest.label("id")).where(
        Lead.id.in_(bindparam("lead_ids", lead_ids, expanding=True))).subquery()
    rows = db.session.connection().execute(
        select(Activity.id, Activity.lead_id, Activity.author_id, Activity.kind, Activity.body,
               Activity.payload, Activity.created_at, TOUCH_AUTHOR.name)
        .join(wanted, wanted.c.id == Activity.id)
        .outerjoin(TOUCH_AUTHOR, TOUCH_AUTHOR.id == Activity.author_id)
    )
    return {row.lead_id: Touch(*row) for row in rows.all()}
