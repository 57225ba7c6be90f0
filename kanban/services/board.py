"""What the board shows: columns with their totals and first cards, and more cards on demand.

Every function here runs a fixed number of queries whatever the number of leads:
totals are one GROUP BY, the first cards of every column are one statement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Select, case, func, select, union_all
from sqlalchemy.orm import selectinload

from kanban.extensions import db
from kanban.models import Lead, LeadStatus, LeadTag, Pipeline, Stage
from kanban.services.lead_views import (
    LeadView,
    lead_rows_statement,
    load_lead_views,
    views_of,
)
from kanban.services.queries import LeadFilter, filter_leads, sort_leads
from kanban.services.statements import built_once


@dataclass
class Column:
    """One stage of the board with the leads shown in it."""

    stage: Stage
    count: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)  # currency: sum of values
    weighted: dict[str, Decimal] = field(default_factory=dict)  # currency: value x win chance
    leads: list[LeadView] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.count > len(self.leads)

    next_page: str | None = None  # where a sorted column's next page starts

    @property
    def next_after(self) -> str:
        """Where the next page of this column starts: after a rank, or a count when sorted."""
        if self.next_page is not None:
            return self.next_page
        return self.leads[-1].rank if self.leads and self.has_more else ""


@dataclass
class ColumnPage:
    leads: list[LeadView]
    next_after: str  # "" when the column has no more cards


def list_pipelines() -> list[Pipeline]:
    """Return every pipeline in board order, with its stages."""
    return list(db.session.scalars(_pipelines()))


@cache
def _pipelines() -> Select:
    """Asked by every board, built once per process (as are the lists below)."""
    return (select(Pipeline).options(selectinload(Pipeline.stages))
            .order_by(Pipeline.position, Pipeline.id))


@dataclass
class StageTotals:
    """What a column's head shows: how many leads, their value and their weighted value."""

    count: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)
    weighted: dict[str, Decimal] = field(default_factory=dict)


CENT = Decimal("0.01")


def column_totals(filters: LeadFilter) -> dict[int, StageTotals]:
    """Return every stage's count, total value and weighted value (the value times the
    stage's win probability) for the leads the filters select, per currency."""
    statement = kept("board totals", filters, (), lambda: filter_leads(
        filters,
        select(
            Lead.stage_id,
            Lead.currency,
            func.count(Lead.id),
            func.coalesce(func.sum(Lead.value), 0),
            # A won lead counts whole, a lost or cancelled one not at all; an open one at
            # its stage's win probability.
            func.coalesce(func.sum(Lead.value * case(
                (Lead.status == LeadStatus.OPEN, Stage.win_probability),
                (Lead.status == LeadStatus.WON, 100), else_=0)), 0),
        ).join(Stage, Stage.id == Lead.stage_id),
    ).group_by(Lead.stage_id, Lead.currency))
    rows = db.session.connection().execute(statement).all()
    totals: dict[int, StageTotals] = {}
    for stage_id, currency, count, total, weighted in rows:
        stage = totals.setdefault(stage_id, StageTotals())
        stage.count += count
        stage.totals[currency] = Decimal(total)
        stage.weighted[currency] = (Decimal(weighted) / 100).quantize(CENT)
    return totals


def load_columns(
    stages: Sequence[Stage], filters: LeadFilter, page_size: int, sort: str | None = None,
    *, prospects_first: bool = False,
) -> list[Column]:
    """Return the board's columns: totals of all matching leads, the first cards of each.

    Cards come in the order people dragged them, or by ``sort`` (one of SORTS).
    """
    totals = column_totals(filters)
    columns = {}
    for stage in stages:
        sums = totals.get(stage.id) or StageTotals()
        columns[stage.id] = Column(stage, sums.count, sums.totals, sums.weighted)
    if sort:
        for column in columns.values():
            column.leads = load_column_page(column.stage, filters, page_size, sort=sort,
                                            prospects_first=prospects_first).leads
            column.next_page = str(page_size) if column.has_more else ""
        return list(columns.values())
    if not stages:
        return []
    statement = kept("board first cards", filters,
                     (tuple(stage.id for stage in stages), page_size),
                     lambda: lead_rows_statement(first_cards(stages, filters, page_size)))
    leads = views_of(db.session.connection().execute(statement).all())
    for lead in leads:
        if lead.stage_id in columns:
            columns[lead.stage_id].leads.append(lead)
    return list(columns.values())


def first_cards(stages: Sequence[Stage], filters: LeadFilter, page_size: int) -> Select:
    """One statement for the first cards of every column (as ``select(Lead)``), each
    branch walking the (stage, rank) index for just one page, however long the column is."""
    branches = [
        select(page.c.id)
        for page in (
            filter_leads(filters, select(Lead.id))
            .where(Lead.stage_id == stage.id)
            .order_by(Lead.rank)
            .limit(page_size)
            .subquery()
            for stage in stages
        )
    ]
    ids = union_all(*branches) if len(branches) > 1 else branches[0]
    return select(Lead).where(Lead.id.in_(ids)).order_by(Lead.stage_id, Lead.rank)


def kept(kind: str, filters: LeadFilter, more: tuple[Any, ...],
         build: Callable[[], Select]) -> Select:
    """The statement ``build`` makes from ``filters`` and ``more``, built once per app
    for the same filters (see kanban.services.statements)."""
    key = filters.statement_key()
    return build() if key is None else built_once(kind, (key, more), build)


def load_column_page(
    stage: Stage,
    filters: LeadFilter,
    page_size: int,
    after: str | None = None,
    sort: str | None = None,
    *,
    prospects_first: bool = False,
) -> ColumnPage:
    """Return the next cards of one column.

    In the board's own order, ``after`` is the rank the page starts after (keyset
    pagination); sorted by a SORTS key, it is the number of cards already shown.
    """
    stmt = filter_leads(filters).where(Lead.stage_id == stage.id)
    if sort:
        start = int(after) if after and after.isdigit() else 0
        stmt = sort_leads(stmt, sort, prospects_first=prospects_first).offset(start)
    else:
        if after:
            stmt = stmt.where(Lead.rank > after)
        stmt = stmt.order_by(Lead.rank)
    leads = load_lead_views(stmt.limit(page_size + 1))
    more = len(leads) > page_size
    leads = leads[:page_size]
    if not (more and leads):
        return ColumnPage(leads, "")
    return ColumnPage(leads, str(start + page_size) if sort else leads[-1].rank)


def list_tags(limit: int = 300) -> list[str]:
    """Return the tags in use, for the filter's suggestions."""
    return list(db.session.scalars(_tags(limit)))


@cache
def _tags(limit: int) -> Select:
    return select(LeadTag.tag).distinct().order_by(LeadTag.tag).limit(limit)
