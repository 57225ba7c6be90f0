"""The ingestion log and the quarantine: what happened to every message, and why."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from kanban.extensions import db
from kanban.models import User
from kanban_email_bcc import reasons as why
from kanban_email_bcc.dropbox import find_dropbox
from kanban_email_bcc.models import IngestionEntry, QuarantinedMessage
from kanban_email_bcc.notifications import tell_too_big

log = logging.getLogger(__name__)


def record(
    outcome: str,
    reason: str,
    *,
    via: str,
    user_id: int | None = None,
    message_id: str = "",
    subject: str = "",
    lead_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> IngestionEntry | None:
    """Write one log entry in its own transaction; never let logging lose a message."""
    entry = IngestionEntry(
        outcome=outcome, reason=reason[:2000], via=via, user_id=user_id,
        message_id=message_id[:255], subject=subject[:255], lead_id=lead_id,
        details=details or {},
    )
    try:
        db.session.add(entry)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Could not write the ingestion log entry: %s %s", outcome, reason)
        return None
    return entry


def record_too_large(size: int, *, limit: int, via: str, recipients: Sequence[str] = (),
                     sender: str | None = None, announced: bool = False) -> str:
    """Log a message refused for its size (``announced`` by the sending server before
    sending it) with who sent it and whose dropbox it was for, in the log its owner and
    the admins read, and tell its owner (else the managers) once; return the reason."""
    owner = _owner_of(recipients)
    if sender is not None:  # as the envelope says it: <> for a bounce
        sender = sender.strip()[:254] or "<>"
    if announced and sender is not None:
        reason = why.english(why.TOO_LARGE_ANNOUNCED, size=size, sender=sender)
    elif owner is not None and sender is not None:
        reason = why.english(why.TOO_LARGE_FOR, size=size, sender=sender, owner=owner.name)
    else:
        reason = why.english(why.TOO_LARGE, size=size)
    entry = record("rejected", reason, via=via, user_id=owner.id if owner else None,
                   details={"size": size, "sender": sender or "",
                            "recipients": [address[:254] for address in recipients[:10]]})
    tell_too_big(size, limit, owner_id=owner.id if owner else None, sender=sender,
                 log_entry_id=entry.id if entry is not None else None)
    return reason


def _owner_of(recipients: Sequence[str]) -> User | None:
    """The owner of the first known dropbox among the recipients, when it can be found."""
    if not recipients:
        return None
    try:
        dropbox, _token = find_dropbox(list(recipients))
        return db.session.get(User, dropbox.user_id) if dropbox is not None else None
    except Exception:  # the refusal still gets its log line, with no owner
        db.session.rollback()
        log.exception("Could not find the dropbox of a message too large")
        return None


def quarantine(raw: bytes, reason: str, *, via: str,
               user_id: int | None) -> tuple[QuarantinedMessage, bool]:
    """Keep a message that could not be understood, whole, for an admin to look at; return
    it and whether it is new. The same message delivered again (a mail server trying again)
    is kept once."""
    kept = db.session.scalars(
        select(QuarantinedMessage)
        .where(QuarantinedMessage.size == len(raw), QuarantinedMessage.raw == raw).limit(1)
    ).first()
    if kept is not None:
        return kept, False
    item = QuarantinedMessage(raw=raw, size=len(raw), reason=reason[:2000], via=via,
                              user_id=user_id)
    db.session.add(item)
    db.session.commit()
    return item, True
