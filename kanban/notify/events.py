"""Who is told when a lead changes (the core's own plugin, registered like any other).

A lead given to someone tells them; a new lead nobody owns tells the team; a lead moved
or closed by someone other than its owner tells the owner; a client writing on a lead
tells its owner (``tell_client_wrote``). Nobody is told about what
they did themselves. A new lead's notifications are written with it (``new_lead_rows``,
called by ``create_lead``); a batch of new leads (an import) tells each person once
(``tell_leads_created``, called by the bulk path).
"""

from __future__ import annotations

import logging
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import Select, bindparam, select

from kanban.hookspecs import hookimpl

if TYPE_CHECKING:
    from kanban.models import Lead, Stage, User

# What writes the notifications is imported where it is used: the app registers this module
# at start-up, and a command that changes no lead (``kanban mail ingest --help``) need not
# load the models.
log = logging.getLogger(__name__)
EXCERPT = 140  # characters of a client's message quoted in a notification


def _actor_id(user: User | None) -> int | None:
    return user.id if user is not None else None


def _team_but(user: User | None) -> list[int]:
    from kanban.extensions import db
    from kanban.models import User

    return [user_id for user_id in db.session.scalars(
        select(User.id).where(User.active.is_(True))) if user_id != _actor_id(user)]


def new_lead_readers(owner_ids: list[int] | None, user: User | None) -> dict[int, User]:
    """The active people a new lead may tell, read before its write: the possible owners
    ``owner_ids``, or everyone when nobody may own it (None). Keyed by id."""
    from kanban.extensions import db
    from kanban.models import User
    from kanban.services.as_read import from_row

    actor = _actor_id(user)
    if owner_ids is not None and all(owner_id == actor for owner_id in owner_ids):
        return {}  # people are not told of their own leads
    # Plain rows on the connection, made into detached people: an ORM query would cost
    # more than the rest of the lookup.
    rows = db.session.connection().execute(_active_people(owner_ids is not None),
                                           {"ids": owner_ids or []})
    people = [from_row(User, row) for row in rows]
    return {person.id: person for person in people}


@cache
def _active_people(among: bool) -> Select:
    """The active people, ``among`` some ids (the ``ids`` parameter): asked for every new
    lead, built once per process."""
    from kanban.models import User
    from kanban.services.as_read import read_columns

    query = select(*read_columns(User)).where(User.active.is_(True))
    return query.where(User.id.in_(bindparam("ids", expanding=True))) if among else query


def new_lead_rows(lead: Lead, source: str, user: User | None,
                  readers: dict[int, User] | None = None) -> list[dict[str, Any]]:
    """The notifications of one new lead, written in its own transaction by the core's
    ``create_lead`` (one commit for both): its owner is told, or the team when nobody owns
    it. ``readers`` (from ``new_lead_readers``) are the people it may tell, read ahead.
    A failure leaves them out (logged) and never stops the lead."""
    from kanban.notify.kinds import ASSIGNED, UNASSIGNED
    from kanban.notify.store import notification_rows

    try:
        if readers is None:
            readers = new_lead_readers(None if lead.owner_id is None else [lead.owner_id],
                                       user)
        actor = _actor_id(user)
        if lead.owner_id is None:
            people = [person for person_id, person in readers.items() if person_id != actor]
            return notification_rows(UNASSIGNED, people, lead=lead, actor=user,
                                     payload={"source": source})
        if lead.owner_id == actor:
            return []
        owner = readers.get(lead.owner_id)
        return notification_rows(ASSIGNED, [owner] if owner is not None else [], lead=lead,
                                 actor=user, payload={"source": source})
    except Exception:
        if current_app.config["PLUGINS_STRICT"]:
            raise
        log.exception("Could not write the notifications of lead #%s", lead.id)
        return []


def tell_leads_created(ids: list[int], owners: list[int | None], user: User | None) -> None:
    """Tell people about a batch of new leads (an import) once each, from the ids and owners
    written: the core's bulk path calls this instead of a hook, so nothing is read back."""
    from kanban.extensions import db
    from kanban.models import Lead
    from kanban.notify.kinds import ASSIGNED, UNASSIGNED
    from kanban.notify.store import notify

    counts = Counter(owners)
    for owner_id, count in counts.items():
        if owner_id is not None and owner_id == _actor_id(user):
            continue
        people = _team_but(user) if owner_id is None else [owner_id]
        kind = UNASSIGNED if owner_id is None else ASSIGNED
        if count == 1:
            lead = db.session.get(Lead, ids[owners.index(owner_id)])
            notify(kind, people, lead=lead, actor=user)
        else:
            notify(kind, people, actor=user, payload={"count": count})


def tell_client_wrote(lead: Lead, words: str) -> None:
    """Tell a lead's owner that its client wrote (``words``, cut short), or when nobody owns
    it the people told of a new lead waiting for an owner."""
    from kanban.notify.kinds import CLIENT_WROTE
    from kanban.notify.store import notify

    people = list(new_lead_readers(None, None)) if lead.owner_id is None else [lead.owner_id]
    notify(CLIENT_WROTE, people, lead=lead, payload={"words": excerpt(words)})


def excerpt(words: str, limit: int = EXCERPT) -> str:
    """The start of a message on one line, cut at ``limit`` characters with an ellipsis."""
    line = " ".join(words.split())
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


@hookimpl
def kanban_lead_updated(lead: Lead, changes: dict[str, Any], user: User | None) -> None:
    from kanban.notify.kinds import ASSIGNED, UNASSIGNED
    from kanban.notify.store import notify, settle

    if "owner_id" not in changes:
        return
    old_owner, new_owner = changes["owner_id"]
    if old_owner is None and new_owner is not None:  # it waits for an owner no more
        settle(UNASSIGNED, lead)
    if new_owner is not None and new_owner != _actor_id(user):
        notify(ASSIGNED, [new_owner], lead=lead, actor=user)


@hookimpl
def kanban_lead_moved(lead: Lead, from_stage: Stage, to_stage: Stage, user: User | None) -> None:
    from kanban.notify.kinds import MOVED
    from kanban.notify.store import notify

    # A card put higher or lower in its own column has not moved on: nothing to tell.
    if (user is not None and lead.owner_id not in (None, user.id)
            and from_stage.id != to_stage.id):
        notify(MOVED, [lead.owner_id], lead=lead, actor=user, payload={"stage": to_stage.name})


@hookimpl
def kanban_lead_closed(lead: Lead, status: str, user: User | None) -> None:
    from kanban.notify.kinds import CLOSED, UNASSIGNED
    from kanban.notify.store import notify, settle

    settle(UNASSIGNED, lead)  # closed: nobody need take it now
    if user is not None and lead.owner_id not in (None, user.id):
        notify(CLOSED, [lead.owner_id], lead=lead, actor=user, payload={"status": status})
