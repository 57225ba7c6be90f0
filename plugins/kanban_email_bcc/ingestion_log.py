"""The ingestion log and the quarantine: what happened to every message, and why."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from kanban.extensions import db
from kanban_email_bcc.models import IngestionEntry, QuarantinedMessage

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
