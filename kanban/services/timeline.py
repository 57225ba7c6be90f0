"""A lead's timeline: its entries in the order people read them, on its page and in the API."""

from __future__ import annotations

from sqlalchemy import Select, and_, case, select

from kanban.models import Activity
from kanban.models.activity import ActivityKind

# The entry saying the lead was created (by hand, from an email, a form, a file).
IS_CREATION = and_(Activity.kind == ActivityKind.SYSTEM.value,
                   Activity.payload["event"].as_string() == "created")


def timeline_entries(lead_id: int) -> Select[tuple[Activity]]:
    """Select a lead's timeline entries, newest first and its creation last.

    An entry may be dated before the lead was created: the email a lead was made from is
    dated when it was sent, a moment before. The lead's story still starts with its
    creation, so that entry closes the list whatever the dates; the others go by date
    (then by when they were written).
    """
    return (
        select(Activity)
        .where(Activity.lead_id == lead_id)
        .order_by(case((IS_CREATION, 1), else_=0), Activity.created_at.desc(),
                  Activity.id.desc())
    )
