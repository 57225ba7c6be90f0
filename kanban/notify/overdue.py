"""Follow-ups gone overdue: each owner is told once per lead and date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, cast, exists, literal, select

from kanban.extensions import db
from kanban.models import Lead, LeadStatus, Notification
from kanban.models.base import today as today_
from kanban.notify.kinds import OVERDUE
from kanban.notify.store import notify
from kanban.services.queries import overdue_condition


def tell_overdue(day: date | None = None) -> int:
    """Tell owners about follow-ups whose day (or time that day) has passed (to do, or back
    from standby); return how many were told.

    Running it again (cron every few minutes) tells nobody twice: the lead and its date
    make the notification's key."""
    day = day or today_()
    key = literal("overdue:") + cast(Lead.id, String) + ":" + cast(Lead.next_action_date,
                                                                     String)
    already_told = select(Notification.id).where(
        Notification.user_id == Lead.owner_id, Notification.once_key == key)
    overdue = db.session.execute(
        select(Lead.id, Lead.owner_id, Lead.next_action_date)
        .where(Lead.status == LeadStatus.OPEN, Lead.owner_id.is_not(None),
               overdue_condition(day), ~exists(already_told))
        .order_by(Lead.id)
    ).all()
    told = 0
    for lead_id, owner_id, due in overdue:
        lead = db.session.get(Lead, lead_id)
        told += notify(OVERDUE, [owner_id], lead=lead, payload={"date": due.isoformat()},
                       once_key=f"overdue:{lead_id}:{due.isoformat()}")
    return told
