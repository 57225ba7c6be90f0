"""Engine settings: SQLite tuned for many people working at once."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError

from kanban.config import DefaultConfig
from kanban.database_address import read_database_address
from kanban.services.sqlite_checkpoints import leave_checkpoints_to_the_thread


def configure_engine(app: Flask) -> None:
    url = read_database_address(app)
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # A failed statement's values (lead titles, phones, emails) stay out of the logs and
    # error reports; tests and debugging keep them for their diagnostics.
    options.setdefault("hide_parameters", not (app.testing or app.debug))
    if url.startswith("sqlite"):
        _create_owner_only(url)
        connect_args = options.setdefault("connect_args", {})
        connect_args.setdefault("timeout", app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
        connect_args.setdefault("check_same_thread", False)
    elif url.startswith("postgresql"):
        # A write (or a read) waits for another's lock as long as on SQLite, then answers
        # 503 "try again": never until the proxy gives up and the change lands unseen.
        connect_args = options.setdefault("connect_args", {})
        for name, value in postgresql_connect_args(url, app.config).items():
            connect_args.setdefault(name, value)
        given = connect_args.get("options", "")
        if "lock_timeout" not in given:
            connect_args["options"] = (
                f"{given} -c lock_timeout={int(app.config['SQLITE_BUSY_TIMEOUT_MS'])}".strip())
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


# A connection whose server stopped answering (the network dropped it, the machine is gone)
# is found dead after about a minute of silence instead of the system's two hours.
POSTGRESQL_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
                         "keepalives_count": 3}


def postgresql_connect_args(url: str, config: Mapping[str, Any]) -> dict[str, int]:
    """Give up on a server that does not answer after DATABASE_CONNECT_TIMEOUT_SECONDS, and
    keep TCP keepalives on.

    Without a connect timeout psycopg waits 130 s for a server that took the connection and
    never answers, and every request with it, until gunicorn kills the worker. A server that
    goes silent on a connection already open (its host died, a firewall drops its packets)
    would hold the request while the system sends the statement again for a quarter of an
    hour: ``tcp_user_timeout`` ends the connection once what was sent has gone that long
    unacknowledged (keepalives only cover a connection with nothing on its way). What the
    database URL itself sets (``?connect_timeout=10``) is kept."""
    seconds = config["DATABASE_CONNECT_TIMEOUT_SECONDS"]
    wanted = {"connect_timeout": int(seconds), "tcp_user_timeout": int(seconds * 1000),
              **POSTGRESQL_KEEPALIVES}
    given = make_url(url).query
    return {name: value for name, value in wanted.items() if name not in given}


@contextmanager
def waiting_for_locks(connection: Connection, seconds: float) -> Iterator[None]:
    """Let this connection wait up to ``seconds`` for another session's lock, then give it
    back the request-sized wait (a schema upgrade must outwait a nightly pg_dump, a request
    must not)."""
    milliseconds = int(seconds * 1000)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET lock_timeout = {milliseconds}")
        restore = "RESET lock_timeout"  # back to the connection's own (its options)
    else:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {milliseconds}")
        restore = f"PRAGMA busy_timeout = {_busy_timeout_ms()}"
    connection.commit()
    try:
        yield
    finally:
        try:
            connection.rollback()
            connection.exec_driver_sql(restore)
            connection.commit()
        except DBAPIError:  # a connection that cannot be reset is not used again
            connection.invalidate()


def _create_owner_only(url: str) -> None:
    """Create the database file owner-only before SQLite creates it (its journal files
    take its permissions), wherever the address puts it."""
    from kanban.instance import private_file

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    with suppress(FileNotFoundError):  # no such folder: SQLite says so when it connects
        private_file(Path(database))


# A database server's connection that sat unused in the pool this long is checked (one
# round trip) before it serves a request; one used a moment ago serves at once.
IDLE_BEFORE_CHECK_SECONDS = 1.0
_IDLE_SINCE = "kanban_idle_since"


def check_connections_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has been idle a while.

    A restarted server, or one that ended idle sessions, leaves the pool holding closed
    connections: they are found by this check and replaced, so the next request is served.
    Checking every connection at every request would cost each request a round trip; a
    connection used within the last second was working then. Should one fail all the
    same, its request answers 503 and the pool replaces every connection as old as it."""
    if engine.dialect.name == "sqlite":
        return

    @event.listens_for(engine, "checkin")
    def _idle_from_now(dbapi_connection, connection_record) -> None:
        connection_record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check_if_idle(dbapi_connection, connection_record, connection_proxy) -> None:
        since = connection_record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < IDLE_BEFORE_CHECK_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:  # the pool connects again
            raise DisconnectionError("the database closed this connection") from exc


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record) -> None:
    """WAL lets readers work while one person writes; NORMAL sync is safe with WAL; the
    log is copied back into the database by a thread, not by a commit (see
    ``kanban.services.sqlite_checkpoints``)."""
    if type(dbapi_connection).__module__.split(".")[0] not in ("sqlite3", "pysqlite2"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_busy_timeout_ms()}")
    leave_checkpoints_to_the_thread(cursor)
    cursor.close()
    dbapi_connection.create_function("local_date", 2, local_date, deterministic=True)


def _busy_timeout_ms() -> int:
    """How long a writer waits for another's lock before the request answers 503.

    Keep it well below the worker timeout (gunicorn's is 30 s): a request that waits past
    that is killed and its visitor sees a dropped connection instead of "try again".
    """
    setting = current_app.config["SQLITE_BUSY_TIMEOUT_MS"] if has_app_context() else None
    return int(setting if setting is not None else DefaultConfig.SQLITE_BUSY_TIMEOUT_MS)


def local_date(stamp: str | None, zone_name: str) -> str | None:
    """SQLite's local_date(timestamp, zone): the day a stored UTC timestamp falls on in that
    zone (PostgreSQL does this with timezone(zone, timestamp))."""
    if stamp is None:
        return None
    from kanban.models.base import zone

    moment = datetime.fromisoformat(stamp).replace(tzinfo=UTC)
    return moment.astimezone(zone(zone_name)).date().isoformat()


CORE_VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"


def add_plugin_migrations(config):
    """Let Alembic find every plugin's revision branch beside the core's."""
    from kanban.plugins import get_plugin_manager

    locations = [str(CORE_VERSIONS)]
    locations += [path for path in get_plugin_manager(current_app).hook.kanban_register_migrations()
                  if path]
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(locations))
    return config
