"""Is the installation ready to serve: database reachable, schema current, Redis answering.

Each check returns None when all is well, or a short sentence saying what is wrong."""

from __future__ import annotations

import hashlib
import os

from flask import current_app
from sqlalchemy import make_url, text

from kanban.extensions import db
from kanban.migrating import migrations
from kanban.services.redis_store import connect_redis, is_redis_address


def database_error() -> Exception | None:
    """The error a query on the database ends with; None when it answers."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return error
    return None


def database_problem() -> str | None:
    """None when the database answers a query. Public (/readyz): the error is named, what
    the driver said (hosts, users, database names) is not."""
    error = database_error()
    return f"the database cannot be reached ({type(error).__name__})" if error else None


def _scripts():
    from alembic.script import ScriptDirectory  # Alembic loads only when asked

    return ScriptDirectory.from_config(migrations().get_config())


def expected_heads() -> set[str]:
    """The newest revision of the core's and every loaded plugin's migration branch."""
    return set(_scripts().get_heads())


def applied_heads() -> set[str]:
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def applied_revisions(scripts, heads: set[str]) -> set[str]:
    """Every revision the applied heads stand on: their ancestors, and the revisions of
    other branches they depend on (Alembic keeps only the heads in its version table, so a
    branch head another branch depends on is not listed there)."""
    seen: set[str] = set()
    waiting = list(heads)
    while waiting:
        revision = scripts.get_revision(waiting.pop())
        if revision is None or revision.revision in seen:
            continue
        seen.add(revision.revision)
        for parents in (revision.down_revision, revision.dependencies):
            if isinstance(parents, str):
                waiting.append(parents)
            elif parents:
                waiting.extend(parents)
    return seen


def missing_revisions(applied: set[str]) -> set[str]:
    """The newest revisions of the core's and plugins' branches missing from ``applied``
    (the database's heads)."""
    scripts = _scripts()
    return set(scripts.get_heads()) - applied_revisions(scripts, applied)


SCHEMA_BEHIND = "behind"  # what schema_finding says of a database that lacks revisions


def schema_finding() -> str | None:
    """None when the database is at the newest revision of every branch, ``SCHEMA_BEHIND``
    when it lacks some, else the name of the error its version could not be read with."""
    try:
        missing = missing_revisions(applied_heads())
    except Exception as error:  # noqa: BLE001 - an unreadable schema is not current
        return type(error).__name__
    return SCHEMA_BEHIND if missing else None


def migrations_problem() -> str | None:
    """None when the database is at the newest revision of every branch."""
    finding = schema_finding()
    if finding == SCHEMA_BEHIND:
        return "the database schema is behind: run `kanban db upgrade`"
    return f"the schema version cannot be read ({finding})" if finding else None


def is_schema_behind() -> bool:
    """Tell whether the database was upgraded once and lacks revisions of the code since
    (the app started before ``kanban db upgrade``). A database that was never upgraded, or
    whose version cannot be read, is not known to be behind."""
    try:
        applied = applied_heads()
        return bool(applied) and bool(missing_revisions(applied))
    except Exception:  # noqa: BLE001 - unknown is not "behind"
        return False


def redis_url() -> str | None:
    """The Redis the rate limits are kept in, when one is configured."""
    uri = current_app.config.get("RATELIMIT_STORAGE_URI")
    return uri if is_redis_address(uri) else None


def team_redis_name(kind: str, database_url: str) -> str:
    """A Redis name (channel, queue) of this team's: several Kanban servers may share one
    Redis, each keeps to the names of its own database."""
    identity = database_identity(database_url)
    return f"kanban:{kind}:{hashlib.sha256(identity.encode()).hexdigest()[:16]}"


LOOPBACK = {"", "localhost", "127.0.0.1", "::1", "[::1]"}
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


def database_identity(database_url: str) -> str:
    """The database a URL reaches, however it is spelled: the same for the app and a
    worker whose URLs differ in driver, login, options, an omitted default port or
    ``localhost`` for ``127.0.0.1`` (a worker on another machine must still name the
    database's host as the app does)."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return f"sqlite:{os.path.realpath(url.database)}" if url.database else "sqlite:"
    host = (url.host or "").lower()
    host = "127.0.0.1" if host in LOOPBACK else host
    return f"{backend}://{host}:{url.port or DEFAULT_PORTS.get(backend, '')}/{url.database}"


def redis_problem() -> str | None:
    """None when Redis answers (or none is configured)."""
    error = redis_error()
    return f"Redis cannot be reached ({error})" if error else None


def redis_error() -> str | None:
    """Name the error Redis's ping ends with (``ConnectionError``); None when Redis answers
    (or none is configured)."""
    url = redis_url()
    if url is None:
        return None
    import redis

    client = connect_redis(url)
    try:
        client.ping()
    except redis.RedisError as error:
        return type(error).__name__
    finally:
        client.close()
    return None


# What requests cannot be served without. Redis is not among them: with it down, limits
# count in each worker's memory and jobs run in the app (a load balancer that took the
# servers out of service for it would stop a working app).
ESSENTIAL_CHECKS = ("database", "migrations")


def is_ready(checks: dict[str, str]) -> bool:
    """Whether requests can be served: every essential check is "ok"."""
    return all(checks.get(name) == "ok" for name in ESSENTIAL_CHECKS)


def readiness() -> dict[str, str]:
    """Every check's result by name: "ok", or what is wrong."""
    checks = {"database": database_problem()}
    if checks["database"] is None:
        checks["migrations"] = migrations_problem()
    else:
        checks["migrations"] = "not checked: the database cannot be reached"
    if redis_url() is not None:
        checks["redis"] = redis_problem()
    return {name: problem or "ok" for name, problem in checks.items()}
