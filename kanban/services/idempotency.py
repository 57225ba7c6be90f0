"""Idempotency keys: a request sent again under the same key gets the first answer.

A client that lost an answer (a timeout, a dropped connection) sends the same request
again with the same ``Idempotency-Key``; it must not make a second lead. The first
request claims the key (a unique row per scope and key, so two requests sent at once
race safely); a replay waits for the first answer and gets it back unchanged. Keys are
kept for ``KEEP_FOR`` (at least 24 hours). The API and the web form plugin both use
this service; the staff's forms keep their one-time tokens here too
(``services.keys_with_commit``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from kanban.errors import Conflict, ValidationError
from kanban.extensions import db
from kanban.models import IdempotencyKey
from kanban.models.base import utcnow
from kanban.text import has_unstorable

KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255
# How long a replay waits for the first request's answer before asking to send again.
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: str
    content_type: str
    location: str


@dataclass(frozen=True)
class KeptKey:
    fingerprint: str
    answer: StoredAnswer | None  # None while its first request is being answered


def check_key(key: str) -> str:
    """Return the key as sent, or raise a 422 saying what a key must look like."""
    if not key.strip() or len(key) > MAX_KEY_LENGTH or has_unstorable(key):
        raise ValidationError(
            _("Send an Idempotency-Key of 1 to %(limit)d visible characters, such as a UUID.",
              limit=MAX_KEY_LENGTH),
            fields={"Idempotency-Key": _("Use 1 to %(limit)d visible characters.",
                                         limit=MAX_KEY_LENGTH)},
        )
    return key


def claim_key(scope: str, key: str, fingerprint: str) -> StoredAnswer | None:
    """Claim a key for a first request (None), or return the answer a replay gets.

    Raises ValidationError when the key was used for a different request, and Conflict
    when the first request is still being answered after ``WAIT_SECONDS``.
    """
    check_key(key)
    forget_old_keys()
    db.session.add(IdempotencyKey(scope=scope, key=key, fingerprint=fingerprint))
    try:
        db.session.commit()
        return None
    except IntegrityError:
        db.session.rollback()
    kept = kept_key(scope, key, fingerprint)
    if kept is None:  # the first request failed and let the key go: this one takes it
        return claim_key(scope, key, fingerprint)
    if kept.fingerprint != fingerprint:
        raise ValidationError(
            _("This Idempotency-Key was already used for a different request. "
              "Send a new key with a new request."),
            fields={"Idempotency-Key": _("Already used for a different request.")},
        )
    if kept.answer is None:
        raise Conflict(_("The first request with this Idempotency-Key is still being "
                         "answered. Send it again in a moment."))
    return kept.answer


def kept_key(scope: str, key: str, fingerprint: str | None = None) -> KeptKey | None:
    """Return the key as kept once its first request has its answer, or None for a key
    not in use (never used, let go, or older than ``KEEP_FOR``).

    A first request still being answered is waited for, ``WAIT_SECONDS`` at most: then the
    key comes back without its answer. A key of another ``fingerprint`` (when one is given)
    comes back at once."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = db.session.execute(
            select(IdempotencyKey.fingerprint, IdempotencyKey.status, IdempotencyKey.body,
                   IdempotencyKey.content_type, IdempotencyKey.location)
            .where(IdempotencyKey.scope == scope, IdempotencyKey.key == key,
                   IdempotencyKey.created_at >= utcnow() - KEEP_FOR)
        ).first()
        db.session.rollback()  # the next look reads what other requests committed since
        if row is None:
            return None
        answer = None if row.status is None else StoredAnswer(
            row.status, row.body, row.content_type, row.location)
        if (answer is not None or time.monotonic() > deadline
                or (fingerprint is not None and row.fingerprint != fingerprint)):
            return KeptKey(row.fingerprint, answer)
        time.sleep(POLL_SECONDS)


def store_answer(scope: str, key: str, answer: StoredAnswer) -> None:
    """Keep the first request's answer for its replays."""
    row = db.session.scalars(
        select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    ).first()
    if row is None:
        return
    row.status, row.body = answer.status, answer.body
    row.content_type, row.location = answer.content_type, answer.location[:500]
    db.session.commit()


def release_key(scope: str, key: str) -> None:
    """Let the key go: the first request changed nothing, so a retry may run afresh."""
    db.session.rollback()
    db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    )
    db.session.commit()


def forget_old_keys() -> None:
    """Delete keys older than ``KEEP_FOR``."""
    cutoff = utcnow() - KEEP_FOR
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
