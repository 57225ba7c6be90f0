"""Waking open boards' streams as soon as a lead event is committed.

On PostgreSQL a commit that wrote events is followed by ``NOTIFY kanban_lead_events``;
with Redis configured (``RATELIMIT_STORAGE_URI=redis://...``), it is published on a Redis
channel. One listener per server process
(a PostgreSQL connection, or a Redis subscription) wakes every stream of that process.
Without either, and whenever the listener is down, a stream simply looks again after
``LIVE_POLL_SECONDS``: the outbox stays the one source, the wake-up only saves the wait.

The wake-ups are sent by one thread per process and database (``BackgroundCall``): a commit
does not wait for them, nor for a Redis that cannot be reached, and commits that come
while one is sent share the next.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kanban.database import postgresql_connect_args
from kanban.extensions import db
from kanban.services.background_call import BackgroundCall, CallsBy
from kanban.services.health import redis_url, team_redis_name
from kanban.services.redis_store import connect_redis, redis_timeout

CHANNEL = "kanban_lead_events"
PENDING = "kanban_lead_events_written"  # a Session.info key: publish after the commit
NOT_WOKEN = "Open boards were not woken"
log = logging.getLogger(__name__)


def announce_in_transaction() -> None:
    """Have the listeners woken when the current transaction commits."""
    if db.session.get_bind().dialect.name == "postgresql" or redis_url() is not None:
        db.session().info[PENDING] = True


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    if not session.info.pop(PENDING, False) or not has_app_context():
        return
    announcer = _announcer_of(session.get_bind())
    if announcer is not None:
        announcer.poke()


def _announcer_of(engine: Engine) -> BackgroundCall | None:
    """The process's announcer for this database (None: nothing to wake, SQLite without
    Redis)."""
    if engine.dialect.name == "postgresql":
        return _notifiers.of(engine)
    url = redis_url()
    if url is None:
        return None
    channel = redis_channel(current_app.config["SQLALCHEMY_DATABASE_URI"])
    return _publishers.of((url, channel, redis_timeout()))


def _notifier(engine_ref: weakref.ref[Engine]) -> Callable[[], None]:
    def send() -> None:
        engine = engine_ref()
        if engine is not None:  # an app that is gone has no boards to wake
            _notify(engine)

    return send


def _notify(engine: Engine) -> None:
    """NOTIFY in a transaction of its own, after the change committed.

    PostgreSQL lets one transaction that notifies commit at a time, the disk write
    included: inside the change's own transaction it would make every change wait for
    the others. A wake-up lost in a crash costs a board one LIVE_POLL_SECONDS, so this
    one does not wait for the disk."""
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(
                f"BEGIN; SET LOCAL synchronous_commit TO OFF; NOTIFY {CHANNEL}; COMMIT")
    except DBAPIError:  # open boards look again after LIVE_POLL_SECONDS
        log.warning("Open boards were not woken: the database refused NOTIFY", exc_info=True)


def _publisher(url: str, channel: str, timeout: float) -> Callable[[], None]:
    def send() -> None:
        import redis

        try:
            client = connect_redis(url, timeout=timeout)
            client.publish(channel, "")
            client.close()
        except redis.RedisError:  # open boards look again after LIVE_POLL_SECONDS
            log.warning("Open boards were not woken: Redis cannot be reached", exc_info=True)

    return send


_notifiers = CallsBy(lambda engine: _notifier(weakref.ref(engine)), what=NOT_WOKEN, weak=True)
_publishers = CallsBy(lambda key: _publisher(*key), what=NOT_WOKEN)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def redis_channel(database_url: str) -> str:
    """The team's channel: several Kanban servers may share one Redis."""
    return team_redis_name("live", database_url)


class Waker:
    """One listener per process; streams wait on it for the next commit."""

    def __init__(self, notices: Callable[[], Iterator[object]]) -> None:
        self.notices = notices  # connects, then yields one item per commit
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
        pause = 1.0
        while True:
            try:
                for _notice in self.notices():
                    self.listening, pause = True, 1.0
                    with self.changed:
                        self.generation += 1
                        self.changed.notify_all()
            except Exception:  # the streams poll meanwhile; say so once per failure
                log.warning("Open boards poll for changes: cannot listen for commits",
                            exc_info=True)
            self.listening = False
            time.sleep(pause)
            pause = min(pause * 2, 30.0)


def _postgresql_notices(database_url: str,
                        connect_args: dict[str, int]) -> Callable[[], Iterator[object]]:
    def notices() -> Iterator[object]:
        import psycopg

        url = make_url(database_url).set(drivername="postgresql").render_as_string(
            hide_password=False)
        # The connect timeout and keepalives of the app's own connections: a server that
        # stops answering is found out and the listener connects again.
        with psycopg.connect(url, autocommit=True, **connect_args) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            yield None  # listening from here on
            yield from connection.notifies()

    return notices


def _redis_notices(url: str, channel: str, timeout: float) -> Callable[[], Iterator[object]]:
    def notices() -> Iterator[object]:
        client = connect_redis(url, waits=True, timeout=timeout)
        subscription = client.pubsub()
        try:
            subscription.subscribe(channel)
            # The subscription's confirmation first, then one message per commit.
            yield from subscription.listen()
        finally:
            subscription.close()
            client.close()

    return notices


_wakers: dict[tuple[str, str | None], Waker] = {}
_lock = threading.Lock()


def waker_for(database_url: str, redis: str | None) -> Waker | None:
    """The process's waker (None where nothing announces commits: SQLite without Redis)."""
    postgresql = database_url.startswith("postgresql")
    if not postgresql and redis is None:
        return None
    key = (database_url, None if postgresql else redis)
    with _lock:
        if key not in _wakers:
            if postgresql:
                connect_args = postgresql_connect_args(database_url, current_app.config)
                notices = _postgresql_notices(database_url, connect_args)
            else:
                notices = _redis_notices(redis, redis_channel(database_url), redis_timeout())
            _wakers[key] = Waker(notices)
        return _wakers[key]
