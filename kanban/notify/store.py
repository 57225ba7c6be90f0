"""Storing notifications and reading them back: the one way anyone tells a person something.

``notify`` writes one row per person who wants the kind (in the app, by email or both)
and commits; the email goes out after the action that caused it, never inside it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import Select, bindparam, delete, func, select, update

from kanban.emails import is_reserved_address
from kanban.extensions import db
from kanban.models import Lead, Notification, User
from kanban.models.base import utcnow
from kanban.notify.kinds import notification_kinds
from kanban.ui import NotificationKind

APP, EMAIL, DIGEST = "app", "email", "digest"
log = logging.getLogger(__name__)
LIST_LIMIT = 50  # the newest shown under the bell; older ones stay until read


def wants(user: User, kind: NotificationKind, channel: str) -> bool:
    """Tell whether ``user`` wants ``kind`` by ``channel`` (app or email): their choice on
    the profile, else the kind's default."""
    if kind.managers_only and not user.is_manager:
        return False
    if channel == EMAIL and is_reserved_address(user.email):
        return False
    chosen = (user.notification_settings or {}).get(kind.name) or {}
    default = kind.default_app if channel == APP else kind.default_email
    return bool(chosen.get(channel, default))


@dataclass(frozen=True)
class Choice:
    kind: NotificationKind
    app: bool
    email: bool


def notification_choices(user: User) -> list[Choice]:
    """The kinds a person may be told about, with what they chose (for the profile)."""
    return [Choice(kind, wants(user, kind, APP), wants(user, kind, EMAIL))
            for kind in notification_kinds().values()
            if not kind.managers_only or user.is_manager]


def wants_digest(user: User) -> bool:
    """The morning digest is on unless the person turned it off (or their address is an
    example one)."""
    if is_reserved_address(user.email):
        return False
    return bool((user.notification_settings or {}).get(DIGEST, True))


def save_preferences(user: User, form: Mapping[str, Any]) -> None:
    """Keep the profile's choices: ``<kind>:app`` and ``<kind>:email`` boxes, ``digest``."""
    settings: dict[str, Any] = {}
    for kind in notification_kinds().values():
        settings[kind.name] = {channel: f"{kind.name}:{channel}" in form
                               for channel in (APP, EMAIL)}
    settings[DIGEST] = DIGEST in form
    user.notification_settings = settings
    db.session.commit()


def email_configured() -> bool:
    return bool(current_app.config.get("SMTP_URL"))


def notify(
    kind: str,
    user_ids: Iterable[int],
    *,
    lead: Lead | None = None,
    actor: User | None = None,
    payload: Mapping[str, Any] | None = None,
    once_key: str | None = None,
) -> int:
    """Tell the people ``user_ids`` (active ones, who want ``kind``) about something.

    ``payload`` holds what the kind's text needs (a lead's title is added); with
    ``once_key`` a person is told at most once for that key, however often this runs.
    Commits, and returns how many were told. The action that caused it is already done:
    a failure here is logged and never undoes or stops it (raised in strict mode, tests)."""
    try:
        return _notify(kind, user_ids, lead=lead, actor=actor, payload=payload,
                       once_key=once_key)
    except Exception:
        if current_app.config["PLUGINS_STRICT"]:
            raise
        db.session.rollback()
        log.exception("Could not store a %s notification", kind)
        return 0


def _notify(kind: str, user_ids: Iterable[int], *, lead: Lead | None, actor: User | None,
            payload: Mapping[str, Any] | None, once_key: str | None) -> int:
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return 0
    people = db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)))
    rows = notification_rows(kind, people, lead=lead, actor=actor, payload=payload,
                             once_key=once_key)
    if not rows:
        return 0
    statement = _insert_once() if once_key else Notification.__table__.insert()
    told = db.session.execute(statement, rows).rowcount
    db.session.commit()
    send_emails_of(rows)
    return told if told is not None and told >= 0 else len(rows)


def notification_rows(
    kind: str,
    people: Iterable[User],
    *,
    lead: Lead | None = None,
    actor: User | None = None,
    payload: Mapping[str, Any] | None = None,
    once_key: str | None = None,
) -> list[dict[str, Any]]:
    """The notification rows telling ``people`` (those who want ``kind``) about something,
    to be written in the caller's transaction (a new lead's: one commit for both)."""
    people = list(people)
    if not people:
        return []
    spec = notification_kinds()[kind]
    now = utcnow()
    by_email = email_configured()
    details = dict(payload or {})
    if lead is not None:
        details.setdefault("title", lead.title)
    if actor is not None:
        details.setdefault("actor", actor.name)
    rows = []
    for person in people:
        in_app, email = wants(person, spec, APP), by_email and wants(person, spec, EMAIL)
        if not (in_app or email):
            continue
        rows.append({
            "user_id": person.id, "kind": kind, "lead_id": lead.id if lead else None,
            "actor_id": actor.id if actor else None, "payload": details,
            "once_key": once_key, "created_at": now, "read_at": None if in_app else now,
            "email_state": "pending" if email else "", "email_attempts": 0,
            "email_next_at": now if email else None, "email_error": "",
        })
    return rows


def send_emails_of(rows: list[dict[str, Any]]) -> None:
    """Once the rows are committed: send their emails after the action (see delivery)."""
    if any(row["email_state"] for row in rows):
        from kanban.notify.delivery import deliver_soon

        deliver_soon()


def _insert_once():
    """An INSERT that leaves out people already told under the same key."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Notification.__table__).on_conflict_do_nothing(
        index_elements=["user_id", "once_key"])


def unread_count(user: User) -> int:
    return db.session.scalar(_unread_count(), {"user_id": user.id}) or 0


@cache
def _unread_count() -> Select:
    """The bell's count on every page, built once per process."""
    return select(func.count(Notification.id)).where(
        Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def latest(user: User, limit: int = LIST_LIMIT) -> list[Notification]:
    """Return the person's newest notifications, unread first."""
    return list(db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.id.desc())
        .limit(limit)
    ))


def mark_read(user: User, notification_id: int | None = None) -> Notification | None:
    """Mark one notification (or, with no id, all of them) read; return the one marked."""
    condition = [Notification.user_id == user.id, Notification.read_at.is_(None)]
    if notification_id is not None:
        condition.append(Notification.id == notification_id)
    db.session.execute(update(Notification).where(*condition).values(read_at=utcnow()))
    db.session.commit()
    if notification_id is None:
        return None
    return db.session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user.id))


def settle(kind: str | None = None, lead: Lead | None = None, *,
           once_key: str | None = None) -> int:
    """Mark read, for everyone told, what is settled now: the notifications of ``kind``
    about ``lead`` (the lead that waited for an owner has one), or those said under
    ``once_key`` (a message filed after all). Return how many were marked. Commits; as
    ``notify``, a failure is logged and never undoes the action that settled them."""
    if once_key is not None:
        which = [Notification.once_key == once_key]
    elif kind is not None and lead is not None:
        which = [Notification.kind == kind, Notification.lead_id == lead.id]
    else:
        raise TypeError("settle() needs a kind and a lead, or a once_key")
    try:
        marked = db.session.execute(
            update(Notification).where(*which, Notification.read_at.is_(None))
            .values(read_at=utcnow()), execution_options={"synchronize_session": False},
        ).rowcount
        db.session.commit()
    except Exception:
        if current_app.config["PLUGINS_STRICT"]:
            raise
        db.session.rollback()
        log.exception("Could not mark settled notifications read")
        return 0
    return marked or 0


def forget_old(days: int) -> int:
    """Delete notifications read (and emailed, or given up) more than ``days`` days ago."""
    cutoff = utcnow() - timedelta(days=days)
    gone = db.session.execute(
        delete(Notification).where(Notification.read_at < cutoff,
                                   Notification.email_state.in_(("", "sent", "failed")))
    ).rowcount
    db.session.commit()
    return gone or 0


def text_of(notification: Notification) -> str:
    """Write a notification in the current language (an unknown kind says so plainly)."""
    spec = notification_kinds().get(notification.kind)
    if spec is None:
        return notification.payload.get("title", "") or notification.kind
    return spec.text(notification.payload or {})
