"""Taking a lead nobody owns: one click, and when two people click at once, one wins.

The owner is set by one conditional UPDATE (only while the lead has no owner), so the
database decides who was first on every engine; the other person is told who took it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import update

from kanban.errors import Conflict
from kanban.extensions import db
from kanban.models import Activity, ActivityKind, Lead, LeadStatus, User
from kanban.models.base import utcnow
from kanban.permissions import require
from kanban.plugins import fire_event
from kanban.services import outbox
from kanban.services.leads import get_lead


class AlreadyTaken(Conflict):
    code = "already_taken"


def take_lead(lead_id: int, user: User) -> Lead:
    """Make ``user`` the owner of a lead nobody owns; raise AlreadyTaken naming who was
    first, or Conflict when the lead was closed meanwhile."""
    require(user, "lead.edit")
    lead = get_lead(lead_id)
    now = utcnow()
    taken = db.session.execute(
        update(Lead)
        .where(Lead.id == lead.id, Lead.owner_id.is_(None), Lead.status == LeadStatus.OPEN)
        .values(owner_id=user.id, version=Lead.version + 1, updated_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not taken:
        db.session.rollback()
        lead = get_lead(lead_id)
        db.session.refresh(lead)
        if lead.owner_id == user.id:
            return lead  # a double click: it is already theirs
        if lead.owner is not None:
            raise AlreadyTaken(_("%(name)s took “%(title)s” first.", name=lead.owner.name,
                                 title=lead.title),
                               owner_id=lead.owner_id, owner_name=lead.owner.name)
        raise Conflict(_("“%(title)s” is closed: there is nothing to take.", title=lead.title))
    changes = {"owner_id": [None, user.id]}
    db.session.add(Activity(lead_id=lead.id, author_id=user.id, kind=ActivityKind.EDIT,
                            payload={"changes": changes}, created_at=now))
    outbox.record(outbox.UPDATED, lead, user=user, fields=["owner_id"])
    db.session.commit()
    db.session.refresh(lead)
    fire_event("kanban_lead_updated", lead=lead, changes=changes, user=user)
    return lead
