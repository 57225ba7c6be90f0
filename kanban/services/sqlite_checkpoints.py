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
from functools import partial
from urllib.parse import quote

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


def checkpoint(path: str) -> None:
    """Copy the database's log back into its file, as far as no reader or writer waits."""
    try:  # read-write, never create: a database moved away is not made again, empty
        connection = sqlite3.connect(f"file:{quote(path)}?mode=rw", uri=True, timeout=1)
    except sqlite3.OperationalError:
        return  # the database is gone (an app that ended): nothing to copy back
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        # another process is checkpointing: it copies this log back too
    finally:
        connection.close()


_checkpoints = CallsBy(lambda path: partial(checkpoint, path),
                       what="SQLite's log was not copied back into the database",
                       pause=CHECKPOINT_PAUSE)
