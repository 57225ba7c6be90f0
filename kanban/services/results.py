"""The numbers of the results page, each one aggregated by the database.

Every function answers with one or two GROUP BY statements, whatever the number of
leads, and the same answer on SQLite and PostgreSQL. ``owner_id`` narrows the numbers
to one person's leads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Interval,
    Select,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    or_,
    select,
    type_coerce,
)

from kanban.extensions import db
from kanban.models import Activity, ActivityKind, Lead, LeadStatus, Pipeline, Stage, User
from kanban.models.base import team_zone
from kanban.services.periods import WEEK, Period

OWNER, SOURCE = "owner", "source"


@dataclass
class WonSales:
    """Leads won in the period: how many, their value per currency, and the main
    currency's value per week or month (``buckets``: first day, value)."""

    count: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)
    buckets: list[tuple[date, Decimal]] = field(default_factory=list)


@dataclass
class StageValue:
    """The open leads of one stage: how many and their value per currency."""

    stage_id: int
    pipeline_id: int
    pipeline: str
    stage: str
    count: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Proposals:
    """Leads that entered a proposal stage in the period, by what became of them."""

    won: int = 0
    lost: int = 0
    cancelled: int = 0
    open: int = 0

    @property
    def made(self) -> int:
        return self.won + self.lost + self.cancelled + self.open

    @property
    def success_rate(self) -> float | None:
        """Won among the decided proposals; None while none is decided."""
        decided = self.won + self.lost + self.cancelled
        return self.won / decided if decided else None


@dataclass
class Closing:
    """Leads closed in the period by one owner or from one source (won or lost)."""

    key: Any  # the owner's id (None for nobody) or the source
    label: str | None  # the owner's name or the source; None for nobody
    won: int = 0
    lost: int = 0
    average_days: float | None = None  # from creation to won, over the won leads
    won_totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def win_rate(self) -> float | None:
        return self.won / (self.won + self.lost) if self.won + self.lost else None


@dataclass
class LostReason:
    """Leads lost in the period for one configured reason (None: any other reason)."""

    reason: str | None
    count: int


def sales_won(period: Period, currency: str, owner_id: int | None = None) -> WonSales:
    """Return the leads won in the period, with the main currency's value per bucket."""
    won = [Lead.status == LeadStatus.WON, period.contains(Lead.closed_at), *_owned(owner_id)]
    result = WonSales()
    rows = db.session.execute(
        select(Lead.currency, func.count(Lead.id), func.coalesce(func.sum(Lead.value), 0))
        .where(*won)
        .group_by(Lead.currency)
    ).all()
    for row_currency, count, total in rows:
        result.count += count
        result.totals[row_currency] = Decimal(total)
    bucket = _bucket(Lead.closed_at, period.unit, period.first_weekday).label("bucket")
    sums = dict(
        db.session.execute(
            select(bucket, func.coalesce(func.sum(Lead.value), 0))
            .where(*won, Lead.currency == currency)
            .group_by("bucket")
        ).all()
    )
    result.buckets = [(day, Decimal(sums.get(day, 0))) for day in period.buckets()]
    return result


def open_pipeline(owner_id: int | None = None) -> list[StageValue]:
    """Return every stage in board order with the count and value of its open leads."""
    joined = and_(Lead.stage_id == Stage.id, Lead.status == LeadStatus.OPEN, *_owned(owner_id))
    rows = db.session.execute(
        select(Stage.id, Pipeline.id, Pipeline.name, Stage.name, Lead.currency,
               func.count(Lead.id),
               func.coalesce(func.sum(Lead.value), 0))
        .join(Pipeline, Pipeline.id == Stage.pipeline_id)
        .outerjoin(Lead, joined)
        .group_by(Pipeline.position, Pipeline.id, Pipeline.name, Stage.position, Stage.id,
                  Stage.name, Lead.currency)
        .order_by(Pipeline.position, Pipeline.id, Stage.position, Stage.id)
    ).all()
    stages: dict[int, StageValue] = {}
    for stage_id, pipeline_id, pipeline, stage, currency, count, total in rows:
        value = stages.setdefault(stage_id, StageValue(stage_id, pipeline_id, pipeline, stage))
        if currency is not None:
            value.count += count
            value.totals[currency] = Decimal(total)
    return list(stages.values())


def proposals_made(period: Period, owner_id: int | None = None) -> Proposals:
    """Return the leads that entered a proposal stage in the period, by current status."""
    proposal_stages = select(Stage.id).where(Stage.is_proposal)
    entered = (
        select(Activity.lead_id)
        .where(
            period.contains(Activity.created_at),
            or_(
                and_(Activity.kind == ActivityKind.STAGE_CHANGE,
                     Activity.payload["to_stage_id"].as_integer().in_(proposal_stages)),
                and_(Activity.kind == ActivityKind.SYSTEM,
                     Activity.payload["event"].as_string() == "created",
                     Activity.payload["stage_id"].as_integer().in_(proposal_stages)),
            ),
        )
    )
    rows = db.session.execute(
        select(Lead.status, func.count(Lead.id))
        .where(Lead.id.in_(entered), *_owned(owner_id))
        .group_by(Lead.status)
    ).all()
    counts = {status: count for status, count in rows}
    return Proposals(**{status.value: counts.get(status.value, 0) for status in LeadStatus})


def closing(period: Period, by: str, currency: str, owner_id: int | None = None
            ) -> list[Closing]:
    """Return win rate, time to close and won value per owner or source (``by``).

    Cancelled leads are left out. The best first: by won value in ``currency``, then
    by leads won.
    """
    key = Lead.owner_id if by == OWNER else Lead.source
    closed = [period.contains(Lead.closed_at), *_owned(owner_id)]
    is_won = Lead.status == LeadStatus.WON
    groups = {
        row_key: Closing(row_key, row_label, won, lost,
                         None if days is None else round(float(days), 1))
        for row_key, won, lost, days, row_label in db.session.execute(
            closing_statement(period, by, owner_id)
        ).all()
    }
    for row_key, row_currency, total in db.session.execute(
        select(key, Lead.currency, func.coalesce(func.sum(Lead.value), 0))
        .where(is_won, *closed)
        .group_by(key, Lead.currency)
    ).all():
        groups[row_key].won_totals[row_currency] = Decimal(total)
    return sorted(groups.values(), key=lambda group: (
        -group.won_totals.get(currency, 0), -group.won, group.label is None, group.label or ""
    ))


def closing_statement(period: Period, by: str, owner_id: int | None = None) -> Select:
    """Return the statement counting won and lost leads and the days to close, per group."""
    key = Lead.owner_id if by == OWNER else Lead.source
    # The owner's name is shown, a source shows itself.
    label = User.name if by == OWNER else Lead.source
    is_won = Lead.status == LeadStatus.WON
    stmt = (
        select(key.label("key"), func.count(case((is_won, Lead.id))),
               func.count(case((Lead.status == LeadStatus.LOST, Lead.id))),
               func.avg(case((is_won, _days_between(Lead.created_at, Lead.closed_at)))),
               func.max(label))
        .where(Lead.status.in_((LeadStatus.WON, LeadStatus.LOST)),
               period.contains(Lead.closed_at), *_owned(owner_id))
        .group_by(key)
    )
    if by == OWNER:
        stmt = stmt.outerjoin(User, User.id == Lead.owner_id)
    return stmt


def lost_by_reason(period: Period, reasons: Sequence[str], owner_id: int | None = None
                   ) -> list[LostReason]:
    """Return the leads lost in the period per configured reason, the most frequent first.

    "Price" and "Price: too dear" both count under Price; any other text is another reason.
    """
    grouped = case(
        *(
            (or_(Lead.lost_reason == reason,
                 func.substr(Lead.lost_reason, 1, len(reason) + 2) == reason + ": "), index)
            for index, reason in enumerate(reasons)
        ),
        else_=len(reasons),
    ) if reasons else literal(0)
    rows = db.session.execute(
        select(grouped.label("reason"), func.count(Lead.id))
        .where(Lead.status == LeadStatus.LOST, period.contains(Lead.closed_at),
               *_owned(owner_id))
        .group_by("reason")
    ).all()
    found = [
        LostReason(reasons[index] if index < len(reasons) else None, count)
        for index, count in rows
    ]
    order = {reason: index for index, reason in enumerate(reasons)}
    return sorted(found, key=lambda lost: (-lost.count, order.get(lost.reason, len(reasons))))


def _owned(owner_id: int | None) -> list[ColumnElement[bool]]:
    return [] if owner_id is None else [Lead.owner_id == owner_id]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _bucket(column: Any, unit: str, first_weekday: int = 0) -> ColumnElement[date]:
    """SQL: the first day of the week (starting on ``first_weekday``, 0 Monday ... 6 Sunday)
    or month of a timestamp, in the team's zone."""
    zone_name = team_zone().key
    if _dialect() == "postgresql":
        local = func.timezone(zone_name, column)
        if unit != WEEK or not first_weekday:
            return cast(func.date_trunc(unit, local), Date)
        # PostgreSQL's weeks start on Monday: shift the day into one, then back.
        shift = literal(timedelta(days=(7 - first_weekday) % 7), Interval)
        return cast(func.date_trunc(unit, local + shift) - shift, Date)
    # SQLite's "weekday N" (0 Sunday ... 6 Saturday) moves on to the week's last day, which
    # in SQLite's numbering is first_weekday; six days back is the week's first day.
    modifiers = (f"weekday {first_weekday}", "-6 days") if unit == WEEK else ("start of month",)
    return type_coerce(func.date(func.local_date(column, zone_name), *modifiers), Date)


def _days_between(start: Any, end: Any) -> ColumnElement[float]:
    """SQL: the days (with their fraction) from one timestamp to another."""
    if _dialect() == "postgresql":
        return extract("epoch", end - start) / 86400
    return func.julianday(end) - func.julianday(start)
