"""The README's PostgreSQL restore, run for real: the `pg_restore` line between the
``restore:start`` and ``restore:end`` marks puts a `kanban backup` copy back, into a fresh
database as into one in use, without a single error."""

from __future__ import annotations

import shlex
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import LeadFactory

README = Path(__file__).resolve().parents[2] / "README.md"


def restore_commands() -> list[list[str]]:
    text = README.read_text()
    block = text.split("<!-- restore:start -->", 1)[1].split("<!-- restore:end -->", 1)[0]
    return [shlex.split(line) for line in block.split("```sh", 1)[1].split("```", 1)[0]
            .strip().splitlines()]


def readme_pg_restore_options() -> list[str]:
    """The options the README gives pg_restore, without the database it names."""
    [line] = [words for words in restore_commands() if "pg_restore" in words]
    options = line[line.index("pg_restore") + 1:]
    return [word for word in options if not word.startswith("--dbname=")]


@pytest.fixture
def postgres_app(app, backend):
    if backend != "postgresql":
        pytest.skip("pg_restore puts back PostgreSQL copies")
    return app


@pytest.fixture
def fresh_database(postgres_app) -> Iterator[str]:
    """A new, empty database on the same server, as `createdb` makes it."""
    import psycopg

    url = postgres_app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://",
                                                                 "postgresql://")
    name = f"kanban_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def readme_restore(dump: Path, database: str) -> subprocess.CompletedProcess:
    with dump.open("rb") as copy:  # the README pipes the copy in (`sudo cat … |`)
        return subprocess.run(["pg_restore", *readme_pg_restore_options(),
                               f"--dbname={database}"], stdin=copy, capture_output=True)


def titles_in(database: str) -> set[str]:
    import psycopg

    with psycopg.connect(database) as connection:
        return {row[0] for row in connection.execute("SELECT title FROM leads")}


@pytest.fixture
def dump(postgres_app, tmp_path) -> Path:
    LeadFactory(title="In the copy")
    result = postgres_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "k.dump")])
    assert result.exit_code == 0, result.output
    return tmp_path / "k.dump"


def test_the_readmes_restore_fills_a_fresh_database_without_errors(dump, fresh_database):
    restored = readme_restore(dump, fresh_database)

    assert restored.returncode == 0, restored.stderr.decode()
    assert restored.stderr == b""
    assert titles_in(fresh_database) == {"In the copy"}


def test_the_readmes_restore_replaces_a_database_in_use(dump, fresh_database):
    readme_restore(dump, fresh_database)

    restored = readme_restore(dump, fresh_database)

    assert restored.returncode == 0, restored.stderr.decode()
    assert titles_in(fresh_database) == {"In the copy"}


def test_the_readme_stops_the_app_and_its_worker_before_restoring():
    commands = [" ".join(words) for words in restore_commands()]
    stop = next(index for index, line in enumerate(commands) if "systemctl stop" in line)
    restore = next(index for index, line in enumerate(commands) if "pg_restore" in line)

    assert stop < restore
    assert {"kanban", "kanban-worker", "kanban-mail"} <= set(commands[stop].split())


def test_the_readme_restores_as_the_postgres_superuser():
    [line] = [words for words in restore_commands() if "pg_restore" in words]

    assert line[line.index("pg_restore") - 2:line.index("pg_restore")] == ["-u", "postgres"]


def test_the_backup_command_names_the_readmes_restore(dump, postgres_app):
    result = postgres_app.test_cli_runner().invoke(args=["backup", str(dump) + "2"])

    assert "pg_restore --clean --if-exists" in result.output
