"""Leads read to be shown, not changed: the board's cards and the agenda's rows.

A page of the board shows a couple of hundred leads. Loading each as an ORM object (kept in
the session, watched for changes) costs more than the SQL that reads them, so these pages
read the lead's columns with one plain statement, with its stage and owner, into
``LeadView`` objects. A view reads as the lead does: its fields, ``stage``, ``owner``,
``tags`` and the lead's rules (``is_open``, ``is_stale``...). Anything else a reader asks
for (``client``, ``activities``...) comes from the ORM lead, loaded on first use for every
view of the same statement at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from kanban.extensions import db
from kanban.models import Lead, LeadTag, Stage, User

# Every column of a lead but the folded search text, which only searches read.
COLUMNS = tuple(column for column in Lead.__table__.columns if column.key != "search_text")
NAMES = tuple(column.key for column in COLUMNS)


class ViewBatch:
    """The views one statement read: what they load later, they load for all at once."""

    def __init__(self, ids: list[int]):
        self.ids = ids
        self._tags: dict[int, list[str]] | None = None
        self._leads: dict[int, Lead] | None = None

    def tags(self, lead_id: int) -> list[str]:
        """The lead's tags in name order (one query for every view of the batch)."""
        if self._tags is None:
            self._tags = {}
            rows = db.session.execute(
                select(LeadTag.lead_id, LeadTag.tag)
                .where(LeadTag.lead_id.in_(self.ids))
                .order_by(LeadTag.tag)
            )
            for owner_id, tag in rows:
                self._tags.setdefault(owner_id, []).append(tag)
        return list(self._tags.get(lead_id, ()))

    def lead(self, lead_id: int) -> Lead:
        """The ORM lead behind a view (one query for every view of the batch)."""
        if self._leads is None:
            self._leads = {
                lead.id: lead
                for lead in db.session.scalars(select(Lead).where(Lead.id.in_(self.ids)))
            }
        return self._leads[lead_id]


class LeadView:
    """A lead as a page shows it: read only, with the lead's fields, stage, owner and rules."""

    stage: Stage
    owner: User | None

    is_open = Lead.is_open
    is_standby = Lead.is_standby
    is_overdue = Lead.is_overdue
    is_to_do = Lead.is_to_do
    days_untouched = Lead.days_untouched
    is_stale = Lead.is_stale

    def __init__(self, values: dict[str, Any], batch: ViewBatch):
        self.__dict__.update(values)
        self._batch = batch

    @property
    def tags(self) -> list[str]:
        return self._batch.tags(self.id)

    def __getattr__(self, name: str) -> Any:
        # Only for what the view does not hold: the ORM lead answers.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._batch.lead(self.id), name)

    def __repr__(self) -> str:
        return f"<Lead #{self.id} {self.title!r}>"


def load_lead_views(statement: Select) -> list[LeadView]:
    """Read the leads a ``select(Lead)`` statement picks (its filters, order and limit) as
    views, with their stage and owner, in one statement."""
    stage, owner = aliased(Stage), aliased(User)
    rows = db.session.execute(
        statement.with_only_columns(*COLUMNS, stage, owner)
        .join(stage, stage.id == Lead.stage_id)
        .outerjoin(owner, owner.id == Lead.owner_id)
    ).all()
    return views_of(rows)


def views_of(rows: Sequence[Any]) -> list[LeadView]:
    """Make views of rows holding a lead's COLUMNS, then its stage and owner."""
    batch = ViewBatch([row[0] for row in rows])
    count = len(NAMES)
    views = []
    for row in rows:
        values = dict(zip(NAMES, row, strict=False))
        values["stage"], values["owner"] = row[count], row[count + 1]
        views.append(LeadView(values, batch))
    return views
