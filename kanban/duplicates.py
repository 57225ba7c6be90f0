"""The core's own answer to "is this contact already a lead?" (registered as a plugin).

One rule for every source: the same email (stored lowercased), or the same phone number
compared on its last digits (``kanban.phones``): a short number, written without its area
code, is the one stored number ending with it, and no lead's when several do.
``contact_condition`` is the rule in SQL; ``kanban.services.duplicates`` applies it to many
contacts at once.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select

from kanban.hookspecs import hookimpl
from kanban.phones import one_number_ending_with, phone_key, same_number_keys

if TYPE_CHECKING:
    from kanban.models import Lead

# The models are imported where they are used: the app registers this module at start-up,
# and a command that never reads a lead (``kanban mail ingest --help``) need not load them.


def contact_values(email: str | None, phone: str | None) -> tuple[str, list[str]]:
    """What the rule compares: the lowercased email, and the keys of the numbers that are
    this phone: a whole number's (``kanban.phones.same_number_keys``), or the one stored
    number a short number ends (``kanban.phones.one_number_ending_with``)."""
    key = phone_key(phone)
    keys = same_number_keys(key) or (short_number_keys(key) if key else [])
    return (email or "").strip().lower(), keys


def short_number_keys(key: str) -> list[str]:
    """Return the stored keys of the one number the short key ``key`` is written short
    for, or [] when no stored number or several end with it."""
    return one_number_ending_with(key, stored_numbers_ending_with(key))


def stored_numbers_ending_with(key: str) -> dict[str, int]:
    """Return the stored phone keys ending with the short key ``key``, each with the id of
    its oldest lead."""
    from kanban.extensions import db
    from kanban.models import Lead

    return dict(db.session.execute(  # a short number is rare: the scan of every key is too
        select(Lead.phone_key, func.min(Lead.id)).where(Lead.phone_key.like(f"%{key}"))
        .group_by(Lead.phone_key)).all())


def contact_condition(email: str | None, phone: str | None) -> ColumnElement[bool] | None:
    """SQL for "a lead with this email or this phone", or None when there is nothing to match."""
    email_value, keys = contact_values(email, phone)
    return _rule(email_value or None, keys or None)


def _rule(email: Any, keys: Any) -> ColumnElement[bool] | None:
    """The rule on values, or on bound parameters (a statement built once per shape)."""
    from kanban.models import Lead

    conditions = []
    if email is not None:
        conditions.append(Lead.email == email)
    if keys is not None:
        conditions.append(Lead.phone_key.in_(keys))
    return or_(*conditions) if conditions else None


@hookimpl(trylast=True)
def kanban_lead_find_duplicate(
    email: str | None, phone: str | None, since: datetime | None, open_only: bool
) -> Lead | None:
    from kanban.extensions import db
    from kanban.models import Lead

    email_value, keys = contact_values(email, phone)
    if not email_value and not keys:
        return None
    lookup = _lookup(bool(email_value), bool(keys), open_only, since is not None)
    # Most contacts are new: only a lead found is loaded. The session's changes are
    # written first, as an ORM query would (autoflush).
    db.session.flush()
    found = db.session.connection().scalar(
        lookup, {"email": email_value, "keys": keys, "since": since})
    return db.session.get(Lead, found) if found is not None else None


@cache
def _lookup(by_email: bool, by_number: bool, open_only: bool, since: bool) -> Select:
    """The most recently active lead the rule finds, for one shape of question: asked
    before every new lead, so built once per process."""
    from kanban.models import Lead, LeadStatus

    condition = _rule(bindparam("email") if by_email else None,
                      bindparam("keys", expanding=True) if by_number else None)
    stmt = select(Lead.id).where(condition)
    if open_only:
        stmt = stmt.where(Lead.status == LeadStatus.OPEN)
    if since:
        stmt = stmt.where(Lead.updated_at >= bindparam("since"))
    return stmt.order_by(Lead.updated_at.desc()).limit(1)
