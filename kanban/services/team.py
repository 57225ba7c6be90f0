"""The manager's view: who lets leads go stale or overdue, and handing leads to someone else."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, case, func, not_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from kanban.errors import Conflict, ValidationError
from kanban.extensions import db
from kanban.models import Activity, ActivityKind, Lead, LeadStatus, Stage, User
from kanban.models.base import utcnow
from kanban.permissions import require
from kanban.plugins import fire_event
from kanban.services import outbox
from kanban.services.lead_input import MAX_ID, clean_lead_data
from kanban.services.queries import (
    LeadFilter,
    filter_leads,
    in_standby,
    overdue_condition,
    stale_condition,
)

MAX_REASSIGN = 1000


@dataclass
class OwnerLoad:
    """One person's open leads, and how many need attention."""

    owner: User | None  # None: leads nobody owns
    open: int
    to_do: int
    overdue: int
    stale: int
    proposals: int

    @property
    def owner_id(self) -> int | None:
        return self.owner.id if self.owner else None


def team_load(day: date) -> list[OwnerLoad]:
    """Return each owner's counts of open, to-do, overdue, stale and proposal leads."""
    waiting = in_standby(day)
    counts = db.session.execute(
        select(
            Lead.owner_id,
            func.count(Lead.id),
            func.count(case((not_(waiting), 1))),
            func.count(case((overdue_condition(day), 1))),
            func.count(case((not_(waiting) & stale_condition(day), 1))),
            func.count(case((Stage.is_proposal, 1))),
        )
        .join(Stage, Stage.id == Lead.stage_id)
        .where(Lead.status == LeadStatus.OPEN)
        .group_by(Lead.owner_id)
    ).all()
    people = {user.id: user for user in db.session.scalars(select(User))}
    loads = [OwnerLoad(people.get(owner_id), *numbers) for owner_id, *numbers in counts]
    counted = {load.owner_id for load in loads}
    loads += [OwnerLoad(user, 0, 0, 0, 0, 0) for user in people.values()  # nothing open yet
              if user.active and user.id not in counted]
    return sorted(loads, key=lambda load: (load.owner is None, -(load.overdue + load.stale),
                                           load.owner.name if load.owner else ""))


def leads_needing_attention(filters: LeadFilter, day: date, limit: int = MAX_REASSIGN) -> Select:
    """Return the statement listing the filtered open leads, the oldest touch first."""
    return (
        filter_leads(filters, on=day)
        .options(joinedload(Lead.stage), joinedload(Lead.owner))
        .order_by(Lead.touched_at, Lead.id)
        .limit(limit)
    )


def reassign_leads(lead_ids: Iterable[Any], owner_id: Any, *, user: User | None) -> int:
    """Give the leads to another owner in one transaction; return how many changed."""
    if user is not None:
        require(user, "lead.reassign")
    ids = sorted({int(i) for i in lead_ids if isinstance(i, int | str) and str(i).isdigit()
                  and 0 < int(i) <= MAX_ID})
    if not ids:
        raise ValidationError(_("Tick the leads to hand over."),
                              fields={"lead_ids": _("No lead is ticked.")})
    if len(ids) > MAX_REASSIGN:
        raise ValidationError(
            _("Hand over at most %(count)d leads at a time.", count=MAX_REASSIGN),
            fields={"lead_ids": _("Too many leads.")},
        )
    new_owner = clean_lead_data({"owner_id": owner_id}, partial=True).get("owner_id")
    if new_owner is None:
        raise ValidationError(_("Choose who takes the leads over."),
                              fields={"owner_id": _("Choose a person.")})
    leads = list(db.session.scalars(select(Lead).where(Lead.id.in_(ids))))
    pipelines = dict(db.session.execute(select(Stage.id, Stage.pipeline_id)).all())
    changed = []
    now = utcnow()
    for lead in leads:
        if lead.owner_id == new_owner:
            continue
        changes = {"owner_id": [lead.owner_id, new_owner]}
        lead.owner_id = new_owner
        lead.updated_at = now
        db.session.add(Activity(lead_id=lead.id, author_id=user.id if user else None,
                                kind=ActivityKind.EDIT, payload={"changes": changes}))
        changed.append((lead, changes))
    outbox.record_rows(
        outbox.event_row(outbox.UPDATED, lead.id, stage=None, stage_id=lead.stage_id,
                         pipeline_id=pipelines.get(lead.stage_id),
                         actor_id=user.id if user else None, fields=["owner_id"])
        for lead, _changes in changed
    )
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(_("Someone changed one of these leads meanwhile. Nothing was handed "
                         "over; look at the list again and retry.")) from None
    for lead, changes in changed:
        fire_event("kanban_lead_updated", lead=lead, changes=changes, user=user)
    return len(changed)


def reassigned_message(count: int, owner: User) -> str:
    return ngettext("%(num)d lead is now %(name)s's.", "%(num)d leads are now %(name)s's.",
                    count, name=owner.name)
