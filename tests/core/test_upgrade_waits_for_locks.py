"""`kanban db upgrade` outwaits another session's lock (a nightly pg_dump) for
KANBAN_MIGRATION_LOCK_TIMEOUT_SECONDS, not a request's few seconds, and when the lock
outlasts that, it says so in the team's language instead of blaming the server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from kanban.cli import main
from kanban.extensions import db
from kanban.migrating import schema_commands

REQUEST_WAIT_MS = 100


@pytest.fixture(autouse=True)
def postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL's lock_timeout (SQLite's writers take turns in the app)")


@pytest.fixture
def app_config(app_config) -> dict:
    """Requests give up on a lock quickly, as in production only sooner."""
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": REQUEST_WAIT_MS,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "connect_args": {"options": f"-c lock_timeout={REQUEST_WAIT_MS}"}}}


@pytest.fixture
def schema_locked(app) -> Iterator[Callable[[], None]]:
    """Another session (as pg_dump does, more strongly) holds the schema's version table;
    yields the function that lets go."""
    schema_commands().stamp(revision="heads")
    db.session.commit()
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    connection = engine.connect()
    transaction = connection.begin()
    connection.execute(text("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE"))

    def release() -> None:
        if transaction.is_active:
            transaction.rollback()

    try:
        yield release
    finally:
        release()
        connection.close()
        engine.dispose()


def test_an_upgrade_waits_for_another_sessions_lock_longer_than_a_request(
    app, runner, schema_locked
):
    letting_go = threading.Timer(1.0, schema_locked)  # ten times a request's wait
    letting_go.start()
    try:
        result = runner.invoke(args=["db", "upgrade"])
    finally:
        letting_go.cancel()

    assert result.exit_code == 0, result.output
    assert db.session.scalar(text("SELECT current_setting('lock_timeout')")) == "100ms"


def test_an_upgrade_ended_by_a_lock_names_it_in_the_teams_language(
    app, schema_locked, monkeypatch, tmp_path
):
    for name, value in {"KANBAN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                        "KANBAN_SECRET_KEY": "x" * 40, "KANBAN_PLUGINS": "[]",
                        "KANBAN_INSTANCE_PATH": str(tmp_path / "instance"),
                        "KANBAN_LANGUAGE": "ru",
                        "KANBAN_MIGRATION_LOCK_TIMEOUT_SECONDS": "1"}.items():
        monkeypatch.setenv(name, value)

    result = CliRunner().invoke(main, ["db", "upgrade"])

    assert result.exit_code == 1
    assert "Другой сеанс удерживает блокировку в базе данных" in result.output
    assert "did not answer" not in result.output
    assert "Traceback" not in result.output
