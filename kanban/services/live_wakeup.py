"""Waking open boards' streams as soon as a lead event is committed.

On PostgreSQL each event's transaction also sends ``NOTIFY kanban_lead_events`` (delivered
only when it commits), and one listening connection per server process wakes every
stream of that process. Elsewhere (SQLite), and whenever the listener is down, a stream
simply looks again after ``LIVE_POLL_SECONDS``: the outbox stays the one source, the wake-up
only saves the wait.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import text
from sqlalchemy.engine import make_url

from kanban.extensions import db

CHANNEL = "kanban_lead_events"
log = logging.getLogger(__name__)


def notify_in_transaction() -> None:
    """Ask PostgreSQL to wake the listeners when the current transaction commits."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"NOTIFY {CHANNEL}"))


class Waker:
    """One listening connection per process; streams wait on it for the next commit."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.changed = threading.Condition()
        self.generation = 0
        self.listening = False
        self._thread: threading.Thread | None = None

    def wait(self, seen: int, timeout: float) -> int:
        """Wait until an event has been committed after ``seen`` (a generation) or until
        ``timeout``; return the current generation."""
        self._start()
        with self.changed:
            if self.generation == seen:
                self.changed.wait(timeout)
            return self.generation

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._listen, name="kanban-live-listener",
                                            daemon=True)
            self._thread.start()

    def _listen(self) -> None:
        import psycopg

        pause = 1.0
        url = make_url(self.url).set(drivername="postgresql").render_as_string(
            hide_password=False)
        while True:
            try:
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening, pause = True, 1.0
                    for _notice in connection.notifies():
                        with self.changed:
                            self.generation += 1
                            self.changed.notify_all()
            except Exception:  # the streams poll meanwhile; say so once per failure
                log.warning("Open boards poll for changes: cannot listen on PostgreSQL",
                            exc_info=True)
            self.listening = False
            time.sleep(pause)
            pause = min(pause * 2, 30.0)


_wakers: dict[str, Waker] = {}
_lock = threading.Lock()


def waker_for(url: str) -> Waker | None:
    """The process's waker for this database (None where there is no NOTIFY: SQLite)."""
    if not url.startswith("postgresql"):
        return None
    with _lock:
        if url not in _wakers:
            _wakers[url] = Waker(url)
        return _wakers[url]
