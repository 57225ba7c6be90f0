"""SQLite's checkpoints, made by a thread of each process instead of inside a commit.

In WAL mode SQLite copies its log back into the database file (a checkpoint, with two
syncs to disk) inside the commit that takes the log past 1,000 pages: one commit in thirty
or so then takes milliseconds, and every writer waiting for its turn waits with it. The
app's connections leave checkpoints to a thread of each process, poked after commits and
at most every ``CHECKPOINT_PAUSE`` seconds, which asks for a PASSIVE one: it waits for no
reader or writer, and none waits for it. When the last connection to the database closes,
SQLite still checkpoints as it always does.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kanban.services.background_call import CallsBy

CHECKPOINT_PAUSE = 0.2  # seconds between two checkpoints of one process


def database_file(engine: Engine) -> str | None:
    """Return the path of the engine's SQLite database file, or None for one in memory."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return os.path.abspath(database)


def leave_checkpoints_to_the_thread(cursor: sqlite3.Cursor) -> None:
    """Set on every new connection of the app: its commits never checkpoint."""
    cursor.execute("PRAGMA wal_autocheckpoint=0")


@event.listens_for(Session, "after_commit")
def _checkpoint_soon(session: Session) -> None:
    if not has_app_context():
        return
    engine = session.get_bind()
    if engine.dialect.name == "sqlite":
        path = database_file(engine)
        if path is not None:
            _checkpoints.of(path).poke()


def _checkpoint(path: str) -> Callable[[], None]:
    def call() -> None:
        connection = sqlite3.connect(path, timeout=1)
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            connection.close()

    return call


_checkpoints = CallsBy(_checkpoint, what="SQLite's log was not copied back into the database",
                       pause=CHECKPOINT_PAUSE)
