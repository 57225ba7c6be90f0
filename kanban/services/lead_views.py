"""Leads read to be shown, not changed: the board's cards and the agenda's rows.

A page of the board shows a couple of hundred leads. Loading each as an ORM object (kept in
the session, watched for changes) costs more than the SQL that reads them, so these pages
read the lead's columns, its owner's name and what its priority mark needs (whether it is
a client's lead, the client's class) with one plain statement into ``LeadView`` objects.
A view reads as the lead does: its fields, ``stage``, ``owner``, ``tags`` and the lead's
rules (``is_open``, ``is_stale``...). The stages come with the views (from the session when
it holds them, else in one query); what the statement did not read (the owners, the tags,
anything else such as ``client``) is loaded on first use for every view of the same
statement at once: one query each, whatever the number of leads; people the session holds
already are not asked for again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import identity_key

from kanban.extensions import db
from kanban.models import Lead, LeadTag, Stage, User
from kanban.services.priorities import PriorityMark, client_rating, is_client_lead, shared_marks

# What the board's cards and the agenda's rows read of a lead: the long texts, the dates
# of its life and the folded search keys are left to the ORM lead, loaded when asked for.
LEFT_OUT = frozenset({"description", "custom_fields", "lost_reason", "created_at",
                      "updated_at", "closed_at", "search_text", "phone_key",
                      "phone_search_digits"})
COLUMNS = tuple(column for column in Lead.__table__.columns if column.key not in LEFT_OUT)
NAMES = tuple(column.key for column in COLUMNS)
OWNER = aliased(User, name="owner")  # its own name: the statement may join people too


class ViewBatch:
    """The views one statement read: what they load later, they load for all at once."""

    def __init__(self, ids: list[int], stage_ids: set[int], owner_ids: set[int]):
        self.ids = ids
        self.stage_ids = stage_ids
        self.owner_ids = owner_ids
        self._stages: dict[int, Stage] | None = None
        self._owners: dict[int, User] | None = None
        self._tags: dict[int, list[str]] | None = None
        self._leads: dict[int, Lead] | None = None

    def stage(self, stage_id: int) -> Stage:
        if self._stages is None:
            self._stages = held_or_loaded(Stage, self.stage_ids)
        return self._stages[stage_id]

    def owner(self, owner_id: int) -> User:
        if self._owners is None:
            self._owners = held_or_loaded(User, self.owner_ids)
        return self._owners[owner_id]

    def tags(self, lead_id: int) -> list[str]:
        """The lead's tags in name order (one query for every view of the batch); the
        list is the batch's own, to read."""
        if self._tags is None:
            self._tags = {}
            rows = db.session.execute(
                select(LeadTag.lead_id, LeadTag.tag)
                .where(LeadTag.lead_id.in_(bindparam("lead_ids", self.ids, expanding=True)))
                .order_by(LeadTag.tag)
            )
            for tagged, tag in rows:
                self._tags.setdefault(tagged, []).append(tag)
        return self._tags.get(lead_id) or []

    def lead(self, lead_id: int) -> Lead:
        """The ORM lead behind a view (one query for every view of the batch)."""
        if self._leads is None:
            ids = bindparam("lead_ids", self.ids, expanding=True)
            self._leads = {
                lead.id: lead for lead in db.session.scalars(select(Lead).where(Lead.id.in_(ids)))
            }
        return self._leads[lead_id]


def held_or_loaded(model: Any, ids: set[int]) -> dict[int, Any]:
    """Return the objects of these ids: those the session holds (and has not expired), the
    others in one query."""
    held = db.session.identity_map
    found = {}
    for object_id in ids:
        known = held.get(identity_key(model, object_id))
        if known is not None and not inspect(known).expired_attributes:
            found[object_id] = known
    missing = sorted(ids - found.keys())
    if missing:
        found.update((row.id, row) for row in
                     db.session.scalars(select(model).where(model.id.in_(missing))))
    return found


class LeadView:
    """A lead as a page shows it: read only, with the lead's fields, stage, owner and rules."""

    stage: Stage  # from the session when it holds it, else with the others in one query
    owner_name: str | None  # the owner's name, read with the lead
    # With the marks (lead_rows): a client's lead, and the class of the client's folder.
    is_client: bool
    client_rating: str | None

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
    def owner(self) -> User | None:
        return None if self.owner_id is None else self._batch.owner(self.owner_id)

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
    views, in one statement."""
    return views_of(lead_rows(statement))


def lead_rows(statement: Select, *, marks: bool = True) -> list[Any]:
    """Run a ``select(Lead)`` statement for the rows ``views_of`` makes views of: the
    lead's COLUMNS, then its owner's name, and with ``marks`` whether it is a client's and
    the client's class. Without: a statement that sorts many leads to show a few (the
    agenda's) would work those out for every lead it sorts, on PostgreSQL; ask
    ``priority_marks`` for the few instead."""
    return list(db.session.connection().execute(
        lead_rows_statement(statement, marks=marks)).all())


def lead_rows_statement(statement: Select, *, marks: bool = True) -> Select:
    """The statement ``lead_rows`` runs for a ``select(Lead)`` statement."""
    extra = (is_client_lead(), client_rating()) if marks else ()
    return (statement.with_only_columns(*COLUMNS, OWNER.name, *extra)
            .outerjoin(OWNER, OWNER.id == Lead.owner_id))


def views_of(rows: Sequence[Any]) -> list[LeadView]:
    """Make views of ``lead_rows``' rows (of one or several statements), sharing one batch."""
    stage_at, owner_at = NAMES.index("stage_id"), NAMES.index("owner_id")
    batch = ViewBatch([row[0] for row in rows], {row[stage_at] for row in rows},
                      {row[owner_at] for row in rows if row[owner_at] is not None})
    names = (*NAMES, "owner_name", "is_client", "client_rating")
    views = []
    for row in rows:
        values = dict(zip(names, row, strict=False))  # the marks' columns may not be there
        if "is_client" in values:
            values["is_client"] = bool(values["is_client"])
        values["stage"] = batch.stage(values["stage_id"])
        views.append(LeadView(values, batch))
    return views


def view_marks(views: Sequence[LeadView]) -> dict[int, PriorityMark]:
    """Return each view's priority mark (as ``priority_marks`` does, without a query)."""
    return shared_marks((view.id, view.is_client, view.client_rating, view.priority)
                        for view in views)
