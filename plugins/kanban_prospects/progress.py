"""What a list has brought: rows, contacted, leads made, won (count and value), and the
reasons of those not interested; and the rows to call back, for the agenda."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select

from kanban.extensions import db
from kanban.models import Lead, LeadStatus
from kanban_prospects.models import ProspectList, ProspectRow, RowStatus


@dataclass
class Progress:
    rows: int = 0
    contacted: int = 0
    call_back: int = 0
    leads: int = 0
    won: int = 0
    # Won value per currency: a team may sell in more than one.
    won_value: dict[str, Decimal] = field(default_factory=dict)
    not_interested: dict[str, int] = field(default_factory=dict)  # reason -> rows

    @property
    def not_interested_total(self) -> int:
        return sum(self.not_interested.values())


def progress_of(list_ids: list[int]) -> dict[int, Progress]:
    """Each list's progress in three queries, whatever the number of lists and rows."""
    found = {list_id: Progress() for list_id in list_ids}
    if not list_ids:
        return found
    contacted = or_(ProspectRow.contacted_at.is_not(None),
                    ProspectRow.status != RowStatus.TO_CONTACT)
    for list_id, rows, touched, call_back, leads in db.session.execute(
        select(ProspectRow.list_id, func.count(),
               func.sum(case((contacted, 1), else_=0)),
               func.sum(case((ProspectRow.status == RowStatus.CALL_BACK, 1), else_=0)),
               func.sum(case((ProspectRow.status == RowStatus.LEAD, 1), else_=0)))
        .where(ProspectRow.list_id.in_(list_ids)).group_by(ProspectRow.list_id)
    ):
        found[list_id].rows, found[list_id].contacted = rows, int(touched or 0)
        found[list_id].call_back, found[list_id].leads = int(call_back or 0), int(leads or 0)
    for list_id, reason, count in db.session.execute(
        select(ProspectRow.list_id, ProspectRow.reason, func.count())
        .where(ProspectRow.list_id.in_(list_ids),
               ProspectRow.status == RowStatus.NOT_INTERESTED)
        .group_by(ProspectRow.list_id, ProspectRow.reason).order_by(func.count().desc())
    ):
        found[list_id].not_interested[reason] = count
    for list_id, currency, count, value in db.session.execute(
        select(ProspectRow.list_id, Lead.currency, func.count(), func.sum(Lead.value))
        .join(Lead, Lead.id == ProspectRow.lead_id)
        .where(ProspectRow.list_id.in_(list_ids), ProspectRow.status == RowStatus.LEAD,
               Lead.status == LeadStatus.WON)
        .group_by(ProspectRow.list_id, Lead.currency)
    ):
        found[list_id].won += count
        found[list_id].won_value[currency] = Decimal(value or 0)
    return found


def won_by_list(start: datetime, end: datetime) -> list[tuple[str, str, Decimal]]:
    """(list name, currency, won value) of leads made from lists and won in the period,
    the biggest first."""
    rows = db.session.execute(
        select(ProspectList.name, Lead.currency, func.sum(Lead.value))
        .join(ProspectRow, ProspectRow.list_id == ProspectList.id)
        .join(Lead, Lead.id == ProspectRow.lead_id)
        .where(ProspectRow.status == RowStatus.LEAD, Lead.status == LeadStatus.WON,
               Lead.closed_at >= start, Lead.closed_at < end)
        .group_by(ProspectList.id, ProspectList.name, Lead.currency)
        .order_by(func.sum(Lead.value).desc())
    )
    return [(name, currency, Decimal(value or 0)) for name, currency, value in rows]


def call_backs(owner_id: int | None, day: date, limit: int, *,
               first: date | None = None) -> tuple[list[ProspectRow], int]:
    """The rows to call back by ``day`` (and from ``first``) for one person (their rows,
    and the rows nobody was given on their lists), the earliest first; and how many there
    are in all."""
    conditions = [ProspectRow.status == RowStatus.CALL_BACK, ProspectRow.call_back_on <= day]
    if first is not None:
        conditions.append(ProspectRow.call_back_on >= first)
    if owner_id is not None:
        conditions.append(or_(
            ProspectRow.assignee_id == owner_id,
            and_(ProspectRow.assignee_id.is_(None), ProspectList.owner_id == owner_id)))
    base = select(ProspectRow).join(ProspectList, ProspectList.id == ProspectRow.list_id)
    total = db.session.scalar(
        select(func.count()).select_from(ProspectRow)
        .join(ProspectList, ProspectList.id == ProspectRow.list_id).where(*conditions))
    rows = list(db.session.scalars(
        base.where(*conditions).order_by(ProspectRow.call_back_on, ProspectRow.id).limit(limit)))
    return rows, total or 0
