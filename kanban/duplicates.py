"""The core's own answer to "is this contact already a lead?" (registered as a plugin).

One rule for every source: the same email (stored lowercased), or the same phone number
compared on its last digits (``kanban.phones.same_number_keys``). ``contact_condition`` is the
rule in SQL; ``kanban.services.duplicates`` applies it to many contacts at once.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, bindparam, or_, select

from kanban.hookspecs import hookimpl
from kanban.phones import phone_key, same_number_keys

if TYPE_CHECKING:
    from kanban.models import Lead

# The models are imported where they are used: the app registers this module at start-up,
# and a command that never reads a lead (``kanban mail ingest --help``) need not load them.


def contact_values(email: str | None, phone: str | None) -> tuple[str, list[str], str]:
    """What the rule compares: the lowercased email, the keys of the numbers that are this
    phone (``kanban.phones.same_number_keys``), and, for a short number, the pattern of
    the keys ending with it."""
    key = phone_key(phone)
    keys = same_number_keys(key)
    return (email or "").strip().lower(), keys, f"%{key}" if key and not keys else ""


def contact_condition(email: str | None, phone: str | None) -> ColumnElement[bool] | None:
    """SQL for "a lead with this email or this phone", or None when there is nothing to match."""
    email_value, keys, pattern = contact_values(email, phone)
    return _rule(email_value or None, keys or None, pattern or None)


def _rule(email: Any, keys: Any, pattern: Any) -> ColumnElement[bool] | None:
    """The rule on values, or on bound parameters (a statement built once per shape)."""
    from kanban.models import Lead

    conditions = []
    if email is not None:
        conditions.append(Lead.email == email)
    if keys is not None:
        conditions.append(Lead.phone_key.in_(keys))
    if pattern is not None:  # a short number matches the end of a longer one
        conditions.append(Lead.phone_key.like(pattern))
    return or_(*conditions) if conditions else None


@hookimpl(trylast=True)
def kanban_lead_find_duplicate(
    email: str | None, phone: str | None, since: datetime | None, open_only: bool
) -> Lead | None:
    from kanban.extensions import db
    from kanban.models import Lead

    email_value, keys, pattern = contact_values(email, phone)
    if not email_value and not keys and not pattern:
        return None
    lookup = _lookup(bool(email_value), bool(keys), bool(pattern), open_only, since is not None)
    # Most contacts are new: only a lead found is loaded. The session's changes are
    # written first, as an ORM query would (autoflush).
    db.session.flush()
    found = db.session.connection().scalar(
        lookup, {"email": email_value, "keys": keys, "pattern": pattern, "since": since})
    return db.session.get(Lead, found) if found is not None else None


@cache
def _lookup(by_email: bool, by_number: bool, by_end: bool, open_only: bool,
            since: bool) -> Select:
    """The most recently active lead the rule finds, for one shape of question: asked
    before every new lead, so built once per process."""
    from kanban.models import Lead, LeadStatus

    condition = _rule(bindparam("email") if by_email else None,
                      bindparam("keys", expanding=True) if by_number else None,
                      bindparam("pattern") if by_end else None)
    stmt = select(Lead.id).where(condition)
    if open_only:
        stmt = stmt.where(Lead.status == LeadStatus.OPEN)
    if since:
        stmt = stmt.where(Lead.updated_at >= bindparam("since"))
    return stmt.order_by(Lead.updated_at.desc()).limit(1)
