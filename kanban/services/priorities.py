"""Priorities: prospects are 1, 2 or 3; clients (a contact with a won lead) are A to D.

A lead belongs to a client when it was won, or when a won lead shares its client folder
or its email address. The client's class (A-D) is kept on the client folder; a client
without a folder, or with an unrated one, shows as "client" until someone rates it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, bindparam, case, exists, or_, select
from sqlalchemy.orm import aliased

from kanban.extensions import db
from kanban.models import Client, ClientRating, Lead, LeadStatus, Priority

RATINGS = tuple(rating.value for rating in ClientRating)
PROSPECT_PRIORITIES = tuple(str(int(priority)) for priority in Priority)
# Filter values beyond a single class or priority.
CLIENTS, PROSPECTS = "clients", "prospects"
# Clients come first (A to D, then unrated), then prospects 1 to 3; or the other way round.
UNRATED_CLIENT_KEY = len(RATINGS)
PROSPECT_KEYS = len(PROSPECT_PRIORITIES)


@dataclass(frozen=True)
class PriorityMark:
    """How a lead's priority reads on a card: "A".."D", "client", or "1".."3".

    A mark is made for one page and read in that page's language: its words are looked
    up once, however many cards share it.
    """

    is_client: bool
    rating: str | None
    priority: int

    @cached_property
    def label(self) -> str:
        if self.is_client:
            return self.rating or _("Client")
        return str(self.priority)

    @cached_property
    def title(self) -> str:
        if self.is_client and self.rating:
            return _("Client, class %(rating)s", rating=self.rating)
        if self.is_client:
            return _("Client without a class yet: rate it in its client folder")
        return _("Prospect, priority %(priority)s", priority=self.priority)

    @property
    def sort_key(self) -> int:
        if self.is_client:
            return RATINGS.index(self.rating) if self.rating in RATINGS else UNRATED_CLIENT_KEY
        return UNRATED_CLIENT_KEY + self.priority

    @property
    def css(self) -> str:
        if self.is_client:
            return f"client-{(self.rating or 'x').lower()}"
        return f"prospect-{self.priority}"


# The won lead a lead's client is known by. Made once: a new alias of a mapped class works
# out its columns afresh, and the agenda asks for this condition several times a page.
WON_LEAD = aliased(Lead)


# Both conditions below are made once too: an expression never changes once made, and
# building one costs more than running it on a page's leads.
@cache
def is_client_lead() -> ColumnElement[bool]:
    """SQL: the lead (the outer ``Lead``) belongs to a client: it was won itself, or a won
    lead shares its client folder or its email address."""
    won = WON_LEAD
    same_folder = exists().where(
        won.client_id == Lead.client_id, won.status == LeadStatus.WON
    )
    same_email = exists().where(won.email == Lead.email, won.status == LeadStatus.WON)
    return or_(
        Lead.status == LeadStatus.WON,  # a client's even with neither (a phone, say)
        and_(Lead.client_id.is_not(None), same_folder),
        and_(Lead.email != "", same_email),
    )


@cache
def client_rating() -> ColumnElement[str | None]:
    """SQL: the class of the lead's client folder (None without a folder or a class)."""
    return select(Client.rating).where(Client.id == Lead.client_id).scalar_subquery()


def priority_key(*, prospects_first: bool = False) -> ColumnElement[int]:
    """SQL: the lead's place in priority order: A, B, C, D, unrated client, 1, 2, 3; or
    with ``prospects_first`` (a hunter's order) 1, 2, 3, A, B, C, D, unrated client."""
    by_rating = case(
        {rating: index for index, rating in enumerate(RATINGS)},
        value=client_rating(),
        else_=UNRATED_CLIENT_KEY,
    )
    if prospects_first:
        return case((is_client_lead(), PROSPECT_KEYS + by_rating), else_=Lead.priority - 1)
    return case((is_client_lead(), by_rating), else_=UNRATED_CLIENT_KEY + Lead.priority)


def priority_condition(value: str) -> ColumnElement[bool]:
    """SQL: the leads a priority filter value selects ("1".."3", "A".."D", clients, prospects)."""
    if value == CLIENTS:
        return is_client_lead()
    if value == PROSPECTS:
        return ~is_client_lead()
    if value in RATINGS:
        return and_(is_client_lead(), client_rating() == value)
    return and_(~is_client_lead(), Lead.priority == int(value))


def priority_marks(leads: Iterable[Lead]) -> dict[int, PriorityMark]:
    """Return every lead's priority mark with one query, whatever the number of leads."""
    leads = list(leads)
    if not leads:
        return {}
    rows = db.session.connection().execute(
        select(Lead.id, is_client_lead(), client_rating()).where(
            Lead.id.in_(bindparam("lead_ids", [lead.id for lead in leads], expanding=True))
        )
    ).all()
    found = {row[0]: (bool(row[1]), row[2]) for row in rows}
    return shared_marks((lead.id, *found.get(lead.id, (False, None)), lead.priority)
                        for lead in leads)


def shared_marks(keys: Iterable[tuple[int, bool, str | None, int]]) -> dict[int, PriorityMark]:
    """Return each lead's mark from its id, whether it is a client's, the client's class
    and its priority: one mark per page for the leads that read the same."""
    shared: dict[tuple[bool, str | None, int], PriorityMark] = {}
    marks = {}
    for lead_id, is_client, rating, priority in keys:
        key = (is_client, rating, priority)
        marks[lead_id] = shared.get(key) or shared.setdefault(key, PriorityMark(*key))
    return marks


def priority_mark(lead: Lead) -> PriorityMark:
    """Return one lead's priority mark."""
    return priority_marks([lead])[lead.id]
