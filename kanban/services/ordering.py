"""The order of the cards in a column: locks, ranks, rebalancing and retried writes.

Every writer of a column's order (a move, a new card, a bulk import, a close) takes the
column's lock first through ``lock_columns`` and runs inside ``retrying``, so the order it
reads is the order it commits into.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from functools import cache
from time import monotonic
from typing import Any, TypeVar

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Row, Select, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from kanban.errors import Conflict, ValidationError
from kanban.extensions import db
from kanban.models import Lead, LeadStatus, Stage
from kanban.ranking import InvalidRank, evenly_spaced, needs_rebalance, rank_between
from kanban.services.sqlite_writers import begin_write

T = TypeVar("T")
WRITE_ATTEMPTS = 8


def lies_between(rank: str, lower: str | None, upper: str | None) -> bool:
    return (lower is None or lower < rank) and (upper is None or rank < upper)




class ColumnChanged(Exception):
    """The lead left its column between reading it and locking the column: read again."""


def lock_columns(
    stage_ids: list[int], *, lead_id: int | None = None, adding: bool = False
) -> set[int] | None:
    """Hold the write lock of the columns (and of the lead's column) until commit.

    Every writer of a column's order takes it first, so the order a writer reads is
    still the order when it commits: a card lands exactly next to the neighbour the
    person dropped it at, and a rebalance never races a move. A writer only ``adding``
    new cards at the top (``rank_at_top(..., spread=True)``) shares the lock with the
    other adders and waits only for the other writers (PostgreSQL). Returns the stage
    ids locked, or None when the whole database is locked (SQLite).
    """
    session = db.session()
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # pysqlite starts its transaction only at the first write; take the write lock
        # now, or a concurrent writer may commit between our reads and our write.
        if not connection.connection.driver_connection.in_transaction:
            begin_write(session, connection)
        return None
    if session.autoflush:  # the session's changes first, as an ORM query would
        session.flush()
    locking = _column_locks(lead_id is not None, adding)
    return set(connection.execute(locking, {"ids": stage_ids, "lead_id": lead_id}).scalars())


@cache
def _column_locks(with_lead: bool, adding: bool) -> Select:
    """Taken before every write of a column's order, built once per process."""
    wanted = Stage.id.in_(bindparam("ids", expanding=True))
    if with_lead:
        wanted = wanted | Stage.id.in_(
            select(Lead.stage_id).where(Lead.id == bindparam("lead_id")))
    locking = select(Stage.id).where(wanted).order_by(Stage.id)
    return (locking.with_for_update(read=True) if adding else
            locking.with_for_update(key_share=True))


def stage_still_exists(stage_id: int, locked: set[int] | None) -> bool:
    """Tell whether the target stage outlived the wait for its lock (someone may delete it)."""
    if locked is not None:
        return stage_id in locked
    return db.session.scalar(select(Stage.id).where(Stage.id == stage_id)) is not None


def gap(
    lead: Lead, stage: Stage, before_id: int | None, after_id: int | None
) -> tuple[str | None, str | None]:
    """Return the ranks the lead must land between, checking the neighbours.

    Closed leads keep their place in the column but are not on the board: the lead
    lands right next to the open neighbour the person saw, and the neighbours are
    adjacent when no open card lies between them.
    """
    others = select(Lead.rank).where(Lead.stage_id == stage.id, Lead.id != lead.id)
    if after_id is not None:
        above = _neighbour(after_id, stage, lead, "after_id")
        upper = db.session.scalar(
            others.where(Lead.rank > above.rank).order_by(Lead.rank).limit(1)
        )
        if before_id is not None:
            next_open = db.session.scalar(
                select(Lead.id)
                .where(
                    Lead.stage_id == stage.id,
                    Lead.id != lead.id,
                    Lead.status == LeadStatus.OPEN,
                    Lead.rank > above.rank,
                )
                .order_by(Lead.rank)
                .limit(1)
            )
            if next_open != before_id:
                _neighbour(before_id, stage, lead, "before_id")
                raise Conflict(
                    _("The column changed while you were moving the card."),
                    **column_state(lead, stage),
                )
        return above.rank, upper
    if before_id is not None:
        below = _neighbour(before_id, stage, lead, "before_id")
        lower = db.session.scalar(
            others.where(Lead.rank < below.rank).order_by(Lead.rank.desc()).limit(1)
        )
        return lower, below.rank
    return db.session.scalar(others.order_by(Lead.rank.desc()).limit(1)), None


def _neighbour(neighbour_id: int, stage: Stage, lead: Lead, field: str) -> Row:
    neighbour = db.session.execute(
        select(Lead.stage_id, Lead.rank, Lead.status).where(Lead.id == neighbour_id)
    ).first()
    if neighbour is None:
        raise ValidationError(
            _("The card you dropped next to does not exist any more."),
            fields={field: _("Unknown lead.")},
        )
    if neighbour.stage_id != stage.id:
        raise Conflict(
            _("The card you dropped next to is now in another stage."),
            **column_state(lead, stage),
        )
    if neighbour.status != LeadStatus.OPEN:
        raise Conflict(
            _("The card you dropped next to has been closed."), **column_state(lead, stage)
        )
    return neighbour


class NeedsWholeColumn(ColumnChanged):
    """The column needs fresh keys: write again holding the column's lock alone."""


def rank_at_top(stage_id: int, *, spread: bool = False) -> str:
    """Return the key of a new card at the top of the column.

    With ``spread`` (writers adding cards at once under a shared lock) the key is drawn at
    random just above the top card, so that two new cards never take the same key; a
    column that needs fresh keys then raises NeedsWholeColumn."""
    return ranks_at_top(stage_id, 1, spread=spread)[0]


def ranks_at_top(stage_id: int, count: int, *, spread: bool = False) -> list[str]:
    """Return the keys of ``count`` new cards at the top of the column, each above the one
    before: the last is the new top card. ``spread`` as for ``rank_at_top``."""
    top = db.session.connection().scalar(_top_rank(), {"stage_id": stage_id})
    keys: list[str] = []
    while len(keys) < count:
        try:
            rank = rank_between(None, top)
        except InvalidRank:
            rank = ""
        if not rank or needs_rebalance(rank):
            if spread:
                raise NeedsWholeColumn()
            # Fresh keys for the cards already there; those drawn so far are drawn again.
            keys = [rebalance(stage_id, None, None)]
            top = keys[0]
            continue
        if spread:
            rank = _random_key_below(rank, top) or rank
        keys.append(rank)
        top = rank
    return keys


@cache
def _top_rank() -> Select:
    """Asked for every new lead, built once per process."""
    return select(func.min(Lead.rank)).where(Lead.stage_id == bindparam("stage_id"))


KEY_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _random_key_below(rank: str, top: str | None) -> str | None:
    """A key with a random tail above ``top``: ``rank``, one step higher when ``rank``
    begins ``top`` (a tail could then pass it), followed by random digits."""
    base = rank
    if top is not None and top.startswith(base):
        try:
            base = rank_between(None, base)
        except InvalidRank:
            return None
    tail = "".join(secrets.choice(KEY_DIGITS) for _ in range(4)) + secrets.choice(KEY_DIGITS[1:])
    key = base + tail
    return key if lies_between(key, None, top) and not needs_rebalance(key) else None


def rebalance(stage_id: int, moving_id: int | None, lower: str | None) -> str:
    """Give the whole column fresh, short keys (rare); return the moving lead's key.

    The moving lead (if any) gets the slot just after ``lower``; with no moving lead
    (a new card at the top) the first slot is kept free and returned. The other
    leads keep their version: a rebalance never makes a person's next drag fail.
    """
    rows = db.session.execute(
        select(Lead.id, Lead.rank)
        .where(Lead.stage_id == stage_id, Lead.id != (moving_id or 0))
        .order_by(Lead.rank)
    ).all()
    order = [row.id for row in rows]
    position = 0 if lower is None else sum(1 for row in rows if row.rank <= lower)
    order.insert(position, moving_id or 0)
    keys = evenly_spaced(len(order))
    free = order[position]
    # The moving lead is parked too: its old key may be one of the fresh ones.
    rewrite_ranks(
        [(i, key) for i, key in zip(order, keys, strict=True) if i != free],
        also_park=(moving_id,) if moving_id else (),
    )
    return keys[position]


def rewrite_ranks(ranks: list[tuple[int, str]], *, also_park: Iterable[int] = ()) -> None:
    """Write new keys for some leads of one column, in two passes that never collide.

    Every lead first moves to a parking key of its own (so do ``also_park``), then
    to its new key.
    """
    if not ranks and not also_park:
        return
    table = Lead.__table__
    stmt = (
        update(table).where(table.c.id == bindparam("lead_id")).values(rank=bindparam("key"))
    )
    # Old keys may be anything (a hand-edited column), so the parking keys carry a
    # random part as well as the id.
    parking = f"~{secrets.token_hex(8)}~"
    parked = [i for i, _key in ranks] + list(also_park)
    db.session.execute(stmt, [{"lead_id": i, "key": f"{parking}{i}"} for i in parked])
    if ranks:
        db.session.execute(stmt, [{"lead_id": i, "key": key} for i, key in ranks])


def column_order(stage_id: int) -> list[int]:
    """Return the ids of the open leads of a stage, top to bottom."""
    return list(
        db.session.scalars(
            select(Lead.id)
            .where(Lead.stage_id == stage_id, Lead.status == LeadStatus.OPEN)
            .order_by(Lead.rank)
        )
    )


def column_state(lead: Lead, stage: Stage) -> dict[str, Any]:
    return {
        "lead": {"id": lead.id, "stage_id": lead.stage_id, "version": lead.version},
        "stage_id": stage.id,
        "order": column_order(stage.id),
    }


def repair_ranks(stage_id: int | None = None) -> int:
    """Give fresh keys to every column (or one) in its current order; return columns fixed."""
    stage_ids = (
        [stage_id] if stage_id is not None else list(db.session.scalars(select(Stage.id)))
    )

    def write() -> None:
        lock_columns(stage_ids)
        for sid in stage_ids:
            ids = list(
                db.session.scalars(
                    select(Lead.id).where(Lead.stage_id == sid).order_by(Lead.rank, Lead.id)
                )
            )
            rewrite_ranks(list(zip(ids, evenly_spaced(len(ids)), strict=True)))
        db.session.commit()

    retrying(write)
    return len(stage_ids)


def retrying(write: Callable[[], T]) -> T:
    """Run a write transaction, retrying when a concurrent writer got there first.

    Writers of a column take its lock first, so they rarely collide; the unique
    (stage, rank) constraint still refuses a second card with the same key, which
    then reads the column again. PostgreSQL may break a deadlock. SQLite answers
    "database is locked" when a writer waited longer than the busy timeout: that wait
    is the whole budget, so the request answers 503 in time instead of outliving the
    worker timeout.
    """
    started = monotonic()
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return write()
        except StaleDataError:
            db.session.rollback()
            raise Conflict(
                _("Someone else changed this lead a moment ago. Reload to see it.")
            ) from None
        except ColumnChanged:
            db.session.rollback()
        except (IntegrityError, OperationalError) as exc:
            db.session.rollback()
            if attempt == WRITE_ATTEMPTS - 1 or not _is_retryable(exc, monotonic() - started):
                raise
        except BaseException:
            db.session.rollback()
            raise
    raise Conflict(_("The column kept changing while you moved the card. Try again."))


def _is_retryable(exc: Exception, waited: float) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    if "database is locked" in text:
        return waited * 1000 < current_app.config["SQLITE_BUSY_TIMEOUT_MS"]
    return any(
        marker in text
        for marker in ("uq_leads_stage_rank", "unique", "deadlock", "could not serialize")
    )
