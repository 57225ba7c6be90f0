"""SQLite writers take turns on locks that wake the next writer at once.

SQLite lets one connection write at a time. A writer that finds the database locked sleeps
in SQLite's busy handler (1, 2, 5, 10 ms... between tries) however soon the lock frees, so
under many people writing at once most of a write's time is spent asleep. Writers of the
same process wait on a Python lock instead, handed to the next writer the moment a
transaction ends. Between the server's processes (gunicorn's workers, the job worker), the
turn is a lock on a file beside the database, asked for again within a fraction of a
millisecond while another process holds it. A writer that never asks for a turn (the
``sqlite3`` shell, a backup) still meets SQLite's own wait.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from flask import current_app
from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction

from kanban.services.sqlite_checkpoints import database_file

HELD = "kanban_sqlite_write_turn"  # a Session.info key: the turn this session's transaction holds
TURN_FILE_SUFFIX = "-writers"  # beside the database, as SQLite keeps its -wal and -shm files
FIRST_PAUSE, LONGEST_PAUSE = 0.00005, 0.0005  # seconds between asking another process again


@dataclass
class Turn:
    """The write turn of one database file in this process."""

    path: str | None  # the turn file, None for a database in memory
    threads: threading.Lock = field(default_factory=threading.Lock)
    fd: int | None = None
    pid: int = 0  # the process that opened ``fd``: a forked worker opens its own

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self.threads.acquire(timeout=timeout):
            return False
        try:
            if self.path is None or self._lock_file(deadline):
                return True
        except BaseException:
            self.threads.release()
            raise
        self.threads.release()
        return False

    def release(self) -> None:
        try:
            if self.path is not None and self.fd is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.threads.release()

    def _lock_file(self, deadline: float) -> bool:
        if self.fd is None or self.pid != os.getpid():
            try:
                self.fd = _open_turn_file(self.path)
            except OSError:  # a folder this process may not write in: SQLite's own wait
                self.path = None
                return True
            self.pid = os.getpid()
        pause = FIRST_PAUSE
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)


def _open_turn_file(path: str) -> int:
    """Open the turn file, made with the database file's permissions, as SQLite makes
    its -wal and -shm files, so that every account that may write the database may
    take a turn."""
    try:
        mode = os.stat(path.removesuffix(TURN_FILE_SUFFIX)).st_mode & 0o666
    except OSError:
        mode = 0o644
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, mode)
    if os.fstat(fd).st_mode & 0o666 != mode and os.fstat(fd).st_uid == os.getuid():
        os.fchmod(fd, mode)  # the umask took some away
    return fd


_turns: WeakKeyDictionary[Engine, Turn] = WeakKeyDictionary()
_guard = threading.Lock()


def begin_write(session: Session, connection: Connection) -> None:
    """Start the session's transaction as a writer (BEGIN IMMEDIATE), after the other
    writers of this database; the turn passes on when the transaction ends (commit or
    rollback).

    Waiting longer than the busy timeout raises "database is locked", as SQLite would."""
    turn = _turn_of(connection.engine)
    if not turn.acquire(current_app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000):
        raise OperationalError("BEGIN IMMEDIATE", None,
                               sqlite3.OperationalError("database is locked"))
    session.info[HELD] = turn
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        session.info.pop(HELD, None)
        turn.release()
        raise


def turn_file(engine: Engine) -> str | None:
    """Return the path of the database's turn file, or None for a database in memory."""
    database = database_file(engine)
    return None if database is None else database + TURN_FILE_SUFFIX


def _turn_of(engine: Engine) -> Turn:
    with _guard:
        turn = _turns.get(engine)
        if turn is None:
            turn = _turns[engine] = Turn(turn_file(engine))
        return turn


@event.listens_for(Session, "after_transaction_end")
def _pass_the_turn(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        turn = session.info.pop(HELD, None)
        if turn is not None:
            turn.release()
