"""SQLite writers of one server process take turns on a lock that wakes the next at once.

SQLite lets one connection write at a time. A writer that finds the database locked sleeps
in SQLite's busy handler (1, 2, 5, 10 ms... between tries) however soon the lock frees, so
under many people writing at once most of a write's time is spent asleep. Writers of the
same process wait on a Python lock instead, handed to the next writer the moment a
transaction ends; SQLite's own wait is left for the writers of other processes.
"""

from __future__ import annotations

import sqlite3
import threading
from weakref import WeakKeyDictionary

from flask import current_app
from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction

HELD = "kanban_sqlite_write_turn"  # a Session.info key: the lock this session's transaction holds
_turns: WeakKeyDictionary[Engine, threading.Lock] = WeakKeyDictionary()
_guard = threading.Lock()


def begin_write(session: Session, connection: Connection) -> None:
    """Start the session's transaction as a writer (BEGIN IMMEDIATE), after this process's
    other writers; the turn passes on when the transaction ends (commit or rollback).

    Waiting longer than the busy timeout raises "database is locked", as SQLite would."""
    turn = _turn_of(connection.engine)
    if not turn.acquire(timeout=current_app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000):
        raise OperationalError("BEGIN IMMEDIATE", None,
                               sqlite3.OperationalError("database is locked"))
    session.info[HELD] = turn
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        session.info.pop(HELD, None)
        turn.release()
        raise


def _turn_of(engine: Engine) -> threading.Lock:
    with _guard:
        turn = _turns.get(engine)
        if turn is None:
            turn = _turns[engine] = threading.Lock()
        return turn


@event.listens_for(Session, "after_transaction_end")
def _pass_the_turn(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        turn = session.info.pop(HELD, None)
        if turn is not None:
            turn.release()
