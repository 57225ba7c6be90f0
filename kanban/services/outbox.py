"""The lead event outbox: every lead change adds one event in the change's own transaction,
so an event exists exactly when the change does (a rollback leaves neither).

Readers (an open board, a webhook sender, an integration polling the API) read the events
after the last id they saw, in order. Old events are forgotten after ``OUTBOX_KEEP_DAYS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, delete, select

from kanban.extensions import db
from kanban.models import Lead, LeadEvent, Stage, User
from kanban.models.base import utcnow
from kanban.services.bulk_insert import insert_rows
from kanban.services.live_wakeup import announce_in_transaction

CREATED, UPDATED, NOTED, MOVED = "created", "updated", "noted", "moved"
WON, LOST, CANCELLED, REOPENED, DELETED = "won", "lost", "cancelled", "reopened", "deleted"
KINDS = (CREATED, UPDATED, NOTED, MOVED, WON, LOST, CANCELLED, REOPENED, DELETED)
MAX_READ = 500  # events answered at a time


def event_row(kind: str, lead_id: int, *, stage: Stage | None, pipeline_id: int | None = None,
              stage_id: int | None = None, actor_id: int | None,
              **payload: Any) -> dict[str, Any]:
    """One event's row: what happened to which lead, where it stands now (its stage after
    the change) and who did it; the one shape of every event."""
    return {
        "kind": kind, "lead_id": lead_id,
        "pipeline_id": stage.pipeline_id if stage is not None else pipeline_id,
        "stage_id": stage.id if stage is not None else stage_id,
        "actor_id": actor_id, "payload": payload, "created_at": utcnow(),
    }


def record(kind: str, lead: Lead, *, user: User | None, stage: Stage | None = None,
           **payload: Any) -> None:
    """Add the event to the session's transaction: it commits, or rolls back, with the
    change it tells of. ``stage`` is the lead's stage after the change, when at hand."""
    with db.session.no_autoflush:  # the change's own write reports a conflict, at commit
        where = {"stage": stage} if stage is not None else {
            "stage": None, "stage_id": lead.stage_id, "pipeline_id": _pipeline_of(lead)}
    record_rows([event_row(kind, lead.id, actor_id=user.id if user is not None else None,
                           **where, **payload)])


def record_rows(rows: Iterable[dict[str, Any]]) -> None:
    """Add many events at once (a batch of new leads, a hand-over), in the transaction."""
    rows = list(rows)
    if rows:
        # Not flushing the change here: its own write reports a conflict where it commits.
        with db.session.no_autoflush:
            insert_rows(LeadEvent.__table__, rows)
            announce_in_transaction()


def events_after(after_id: int, *, limit: int = MAX_READ) -> list[LeadEvent]:
    """The events after ``after_id``, oldest first, at most ``limit`` of them."""
    return list(db.session.scalars(
        select(LeadEvent).where(LeadEvent.id > after_id).order_by(LeadEvent.id)
        .limit(max(1, min(limit, MAX_READ)))
    ))


def last_event_id() -> int:
    """The newest event's id (0 when there is none): where a new reader starts."""
    return db.session.scalar(_last_event_id()) or 0


@cache
def _last_event_id() -> Select:
    """Asked by every board, built once per process."""
    return select(LeadEvent.id).order_by(LeadEvent.id.desc()).limit(1)


def forget_old(days: int) -> int:
    """Delete the events older than ``days`` days; return how many."""
    gone = db.session.execute(
        delete(LeadEvent).where(LeadEvent.created_at < utcnow() - timedelta(days=days))
    ).rowcount
    db.session.commit()
    return gone or 0


def event_json(event: LeadEvent) -> dict[str, Any]:
    return {
        "id": event.id, "kind": event.kind, "lead_id": event.lead_id,
        "pipeline_id": event.pipeline_id, "stage_id": event.stage_id,
        "actor_id": event.actor_id, "payload": event.payload or {},
        "created_at": event.created_at.isoformat().replace("+00:00", "Z"),
    }


def _pipeline_of(lead: Lead) -> int | None:
    stage = db.session.get(Stage, lead.stage_id)  # from the session when loaded: no query
    return stage.pipeline_id if stage is not None else None
