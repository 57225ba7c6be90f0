"""Try quarantined messages again, after a fix (a new release, a person's dropbox back).

Each try goes through ``ingest_message`` like any delivery, so the mail log records its
outcome (via "reprocess"). A message filed (or known, or rightly ignored) now leaves the
quarantine; one still not understood, or refused (its owner no longer active, its dropbox
gone), stays there once, with today's reason; a storage failure leaves it untouched.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from kanban.extensions import db
from kanban.models import User
from kanban_email_bcc.dropbox import dropbox_address, get_dropbox
from kanban_email_bcc.ingest import (
    FAILED,
    QUARANTINED,
    REJECTED,
    IngestResult,
    ingest_message,
)
from kanban_email_bcc.models import QuarantinedMessage
from kanban_email_bcc.notifications import settle_unfiled


def reprocess(item: QuarantinedMessage) -> IngestResult:
    """Ingest one quarantined message again; return what happened."""
    item_id, raw = item.id, item.raw
    owner = db.session.get(User, item.user_id) if item.user_id is not None else None
    recipients = [dropbox_address(get_dropbox(owner))] if owner is not None else None
    result = ingest_message(raw, via="reprocess", recipients=recipients)
    if result.outcome == FAILED:
        return result
    again = result.details.get("quarantine_id")
    quarantine = QuarantinedMessage.__table__
    if again is not None or result.outcome == REJECTED:  # kept once, with today's reason
        if again is not None and again != item_id:  # another copy of the same message
            db.session.execute(delete(quarantine).where(quarantine.c.id == again))
        db.session.execute(quarantine.update().where(quarantine.c.id == item_id)
                           .values(reason=result.reason[:2000]))
        result.details["quarantine_id"] = item_id
        db.session.commit()
        return result
    db.session.execute(delete(quarantine).where(quarantine.c.id == item_id))
    db.session.commit()
    settle_unfiled(item_id)
    return result


def reprocess_all() -> list[tuple[int, IngestResult]]:
    """Try every quarantined message again, oldest first."""
    ids = list(db.session.scalars(select(QuarantinedMessage.id).order_by(QuarantinedMessage.id)))
    done = []
    for item_id in ids:
        item = db.session.get(QuarantinedMessage, item_id)
        if item is not None:
            done.append((item_id, reprocess(item)))
    return done


def still_quarantined(results: list[IngestResult]) -> int:
    """How many of the tried messages stayed in the quarantine (not understood, refused or
    failed)."""
    return sum(1 for result in results if result.outcome in (QUARANTINED, REJECTED, FAILED))
