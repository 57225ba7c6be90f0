"""The core's own answer to "is this contact already a lead?" (registered as a plugin).

One rule for every source: the same email (stored lowercased), or the same phone number
compared on its last digits (``kanban.phones.phone_key``). ``contact_condition`` is the
rule in SQL; ``kanban.services.duplicates`` applies it to many contacts at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, or_, select

from kanban.hookspecs import hookimpl
from kanban.phones import KEY_DIGITS, phone_key

if TYPE_CHECKING:
    from kanban.models import Lead

# The models are imported where they are used: the app registers this module at start-up,
# and a command that never reads a lead (``kanban mail ingest --help``) need not load them.


def contact_condition(email: str | None, phone: str | None) -> ColumnElement[bool] | None:
    """SQL for "a lead with this email or this phone", or None when there is nothing to match."""
    from kanban.models import Lead

    conditions = []
    if email and email.strip():
        conditions.append(Lead.email == email.strip().lower())
    key = phone_key(phone)
    if len(key) == KEY_DIGITS:
        conditions.append(Lead.phone_key == key)
    elif key:  # a short number matches the end of a longer one
        conditions.append(Lead.phone_key.like(f"%{key}"))
    return or_(*conditions) if conditions else None


@hookimpl(trylast=True)
def kanban_lead_find_duplicate(
    email: str | None, phone: str | None, since: datetime | None, open_only: bool
) -> Lead | None:
    from kanban.extensions import db
    from kanban.models import Lead, LeadStatus

    condition = contact_condition(email, phone)
    if condition is None:
        return None
    stmt = select(Lead.id).where(condition)
    if open_only:
        stmt = stmt.where(Lead.status == LeadStatus.OPEN)
    if since is not None:
        stmt = stmt.where(Lead.updated_at >= since)
    # Most contacts are new: only a lead found is loaded. The session's changes are
    # written first, as an ORM query would (autoflush).
    db.session.flush()
    found = db.session.connection().scalar(stmt.order_by(Lead.updated_at.desc()).limit(1))
    return db.session.get(Lead, found) if found is not None else None
