"""Who is told when a lead changes (the core's own plugin, registered like any other).

A lead given to someone tells them; a new lead nobody owns tells the team; a lead moved
or closed by someone other than its owner tells the owner. Nobody is told about what
they did themselves. A batch of new leads (an import) tells each person once.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from kanban.extensions import db
from kanban.hookspecs import hookimpl
from kanban.models import Lead, Stage, User
from kanban.notify.kinds import ASSIGNED, CLOSED, MOVED, UNASSIGNED
from kanban.notify.store import notify


def _actor_id(user: User | None) -> int | None:
    return user.id if user is not None else None


def _team_but(user: User | None) -> list[int]:
    return [user_id for user_id in db.session.scalars(
        select(User.id).where(User.active.is_(True))) if user_id != _actor_id(user)]


@hookimpl
def kanban_lead_created(lead: Lead, source: str, user: User | None) -> None:
    if lead.owner_id is None:
        notify(UNASSIGNED, _team_but(user), lead=lead, actor=user, payload={"source": source})
    elif lead.owner_id != _actor_id(user):
        notify(ASSIGNED, [lead.owner_id], lead=lead, actor=user, payload={"source": source})


@hookimpl
def kanban_leads_created(leads: list[Lead], user: User | None) -> None:
    owners = Counter(lead.owner_id for lead in leads)
    waiting = owners.pop(None, 0)
    if waiting == 1:
        only = next(lead for lead in leads if lead.owner_id is None)
        notify(UNASSIGNED, _team_but(user), lead=only, actor=user)
    elif waiting:
        notify(UNASSIGNED, _team_but(user), actor=user, payload={"count": waiting})
    for owner_id, count in owners.items():
        if owner_id == _actor_id(user):
            continue
        if count == 1:
            only = next(lead for lead in leads if lead.owner_id == owner_id)
            notify(ASSIGNED, [owner_id], lead=only, actor=user)
        else:
            notify(ASSIGNED, [owner_id], actor=user, payload={"count": count})


@hookimpl
def kanban_lead_updated(lead: Lead, changes: dict[str, Any], user: User | None) -> None:
    if "owner_id" not in changes:
        return
    new_owner = changes["owner_id"][1]
    if new_owner is not None and new_owner != _actor_id(user):
        notify(ASSIGNED, [new_owner], lead=lead, actor=user)


@hookimpl
def kanban_lead_moved(lead: Lead, from_stage: Stage, to_stage: Stage, user: User | None) -> None:
    if user is not None and lead.owner_id not in (None, user.id):
        notify(MOVED, [lead.owner_id], lead=lead, actor=user, payload={"stage": to_stage.name})


@hookimpl
def kanban_lead_closed(lead: Lead, status: str, user: User | None) -> None:
    if user is not None and lead.owner_id not in (None, user.id):
        notify(CLOSED, [lead.owner_id], lead=lead, actor=user, payload={"status": status})
