"""When the database cannot answer: which failures those are, and leaving nothing half-written."""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from kanban.extensions import db

log = logging.getLogger(__name__)

# Long enough for a restarting database or a busy SQLite writer, short enough to feel alive.
RETRY_AFTER_SECONDS = 5

# Unreachable, shut down, locked past the busy timeout, full, read-only, disk errors: the
# drivers raise these as OperationalError (psycopg and sqlite3 alike).
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    PoolTimeout,
    sqlite3.OperationalError,
)


# PostgreSQL in read-only mode (a standby after a failover, or default_transaction_read_only)
# reports it as an InternalError with this SQLSTATE.
READ_ONLY_SQLSTATE = "25006"


# PostgreSQL's lock_timeout ended a statement (LockNotAvailable).
LOCK_TIMEOUT_SQLSTATE = "55P03"


def driver_reason(exc: BaseException) -> str:
    """What the database driver said went wrong, its first line only (``database "crm" does
    not exist``, ``Connection refused``): the lines after it may quote a statement or the
    values it was given. The error's name when the driver said nothing."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def is_lock_timeout(exc: BaseException) -> bool:
    """Tell whether the database gave up waiting for another session's lock."""
    reason = getattr(exc, "orig", None) or exc
    if getattr(reason, "sqlstate", None) == LOCK_TIMEOUT_SQLSTATE:
        return True
    return isinstance(reason, sqlite3.OperationalError) and "locked" in str(reason)


def is_unavailable(exc: BaseException) -> bool:
    """Tell whether the database failed to answer, as opposed to refusing the request."""
    if isinstance(exc, UNAVAILABLE_ERRORS):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    return bool(exc.connection_invalidated) or (
        getattr(exc.orig, "sqlstate", None) == READ_ONLY_SQLSTATE
    )


def may_mean_an_old_schema(exc: BaseException) -> bool:
    """Tell whether a failed statement is one code newer than the schema would cause (a
    missing table or column, a value too long for an old column), as opposed to a database
    that does not answer."""
    reason = getattr(exc, "orig", None)
    if isinstance(reason, sqlite3.OperationalError):
        return str(reason).startswith("no such ")
    return isinstance(exc, DBAPIError) and not is_unavailable(exc)


def discard_unfinished_work() -> None:
    """Roll the session back, so nothing half-written stays and the next query may run.

    The connection may be gone with the transaction; the session is then closed, which
    hands the broken connection back to the pool to be replaced.
    """
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a dead connection cannot roll back; closing is enough
        log.debug("Rolling back failed; closing the session", exc_info=True)
        try:
            db.session.close()
        except Exception:  # noqa: BLE001
            log.debug("Closing the session failed too", exc_info=True)
