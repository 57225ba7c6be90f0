"""The core's own answer to "is this contact already a lead?" (registered as a plugin).

One rule for every source: the same email (stored lowercased), or the same phone number
compared on its last digits (``kanban.phones.phone_key``). ``contact_condition`` is the
rule in SQL; ``kanban.services.duplicates`` applies it to many contacts at once.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, bindparam, or_, select

from kanban.hookspecs import hookimpl
from kanban.phones import KEY_DIGITS, phone_key

if TYPE_CHECKING:
    from kanban.models import Lead

# The models are imported where they are used: the app registers this module at start-up,
# and a command that never reads a lead (``kanban mail ingest --help``) need not load them.


def contact_values(email: str | None, phone: str | None) -> tuple[str, str, bool]:
    """What the rule compares: the lowercased email, the phone's key (or, for a short
    number, the pattern of keys ending with it) and whether that key is a whole one."""
    key = phone_key(phone)
    whole = len(key) == KEY_DIGITS
    return (email or "").strip().lower(), key if whole or not key else f"%{key}", whole


def contact_condition(email: str | None, phone: str | None) -> ColumnElement[bool] | None:
    """SQL for "a lead with this email or this phone", or None when there is nothing to match."""
    email_value, key_value, whole = contact_values(email, phone)
    return _rule(email_value or None, key_value or None, whole)


def _rule(email: Any, key: Any, whole: bool) -> ColumnElement[bool] | None:
    """The rule on values, or on bound parameters (a statement built once per shape)."""
    from kanban.models import Lead

    conditions = []
    if email is not None:
        conditions.append(Lead.email == email)
    if key is not None:  # a short number matches the end of a longer one
        conditions.append(Lead.phone_key == key if whole else Lead.phone_key.like(key))
    return or_(*conditions) if conditions else None


@hookimpl(trylast=True)
def kanban_lead_find_duplicate(
    email: str | None, phone: str | None, since: datetime | None, open_only: bool
) -> Lead | None:
    from kanban.extensions import db
    from kanban.models import Lead

    email_value, key_value, whole = contact_values(email, phone)
    if not email_value and not key_value:
        return None
    lookup = _lookup(bool(email_value), bool(key_value), whole, open_only, since is not None)
    # Most contacts are new: only a lead found is loaded. The session's changes are
    # written first, as an ORM query would (autoflush).
    db.session.flush()
    found = db.session.connection().scalar(
        lookup, {"email": email_value, "key": key_value, "since": since})
    return db.session.get(Lead, found) if found is not None else None


@cache
def _lookup(by_email: bool, by_phone: bool, whole: bool, open_only: bool,
            since: bool) -> Select:
    """The most recently active lead the rule finds, for one shape of question: asked
    before every new lead, so built once per process."""
    from kanban.models import Lead, LeadStatus

    condition = _rule(bindparam("email") if by_email else None,
                      bindparam("key") if by_phone else None, whole)
    stmt = select(Lead.id).where(condition)
    if open_only:
        stmt = stmt.where(Lead.status == LeadStatus.OPEN)
    if since:
        stmt = stmt.where(Lead.updated_at >= bindparam("since"))
    return stmt.order_by(Lead.updated_at.desc()).limit(1)
