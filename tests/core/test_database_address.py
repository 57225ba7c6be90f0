"""KANBAN_DATABASE_URL: a PostgreSQL address as hosting panels give it (``postgres://``,
``postgresql://``) is opened with psycopg 3; the address of any other database is refused
in one sentence naming the setting and the addresses that work, from every command and at
the app's start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kanban.app import create_app
from kanban.cli import main
from kanban.database_address import UnknownDatabase, database_url
from kanban.extensions import db
from tests.conftest import PG_URL
from tests.smtp_server import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
FORMS = "(postgresql://user@host/name) or an SQLite one (sqlite:///path)."


@pytest.mark.parametrize(("address", "opened"), [
    ("postgres://kanban:secret@db.example.com/crm",
     "postgresql+psycopg://kanban:secret@db.example.com/crm"),
    ("postgresql://kanban@127.0.0.1:5432/crm", "postgresql+psycopg://kanban@127.0.0.1:5432/crm"),
    ("postgresql+psycopg://kanban@db/crm", "postgresql+psycopg://kanban@db/crm"),
    ("sqlite:////srv/kanban/kanban.db", "sqlite:////srv/kanban/kanban.db"),
])
def test_postgresql_is_opened_with_psycopg_however_its_address_begins(address, opened):
    assert database_url(address) == opened


@pytest.mark.parametrize(("address", "scheme"), [
    ("mysql://kanban@db/crm", "mysql"),
    ("mariadb://kanban@db/crm", "mariadb"),
    ("oracle://kanban@db/crm", "oracle"),
    ("postgresq://kanban@db/crm", "postgresq"),
    ("postgresql+psycopg2://kanban@db/crm", "postgresql+psycopg2"),
    ("kanban@db/crm", ""),
    ("/srv/kanban/kanban.db", ""),
    ("postgres://kanban@db:port/crm", ""),
])
def test_the_address_of_another_database_is_refused(address, scheme):
    with pytest.raises(UnknownDatabase) as refused:
        database_url(address)
    assert refused.value.scheme == scheme


@pytest.fixture
def environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KANBAN_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("KANBAN_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("KANBAN_PLUGINS", "[]")
    return monkeypatch


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_the_app_opens_a_panels_address_with_psycopg(environment, scheme):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"{scheme}://kanban@db/crm"})

    with app.app_context():
        assert (db.engine.dialect.name, db.engine.dialect.driver) == ("postgresql", "psycopg")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://kanban@db/crm"


@pytest.mark.skipif(not PG_URL, reason="needs KANBAN_TEST_DATABASE_URL")
@pytest.mark.parametrize("backend", ["postgresql"])
def test_kanban_upgrades_and_checks_a_postgres_address(environment, empty_database):
    environment.setenv("KANBAN_DATABASE_URL", empty_database.replace("postgresql+psycopg",
                                                                     "postgres", 1))

    upgraded = run("db", "upgrade")
    checked = run("check")

    assert upgraded.exit_code == 0, upgraded.output
    assert "ERROR" not in checked.output


@pytest.mark.parametrize("command", [("db", "upgrade"), ("notify", "run"),
                                     ("create-user", "ana@example.com")])
def test_every_command_refuses_another_database_in_one_sentence(environment, command):
    environment.setenv("KANBAN_DATABASE_URL", "mysql://kanban:secret@db.example.com/crm")

    result = run(*command)

    assert result.exit_code == 1
    assert result.output == ("Error: KANBAN_DATABASE_URL starts with mysql://, which Kanban "
                             f"cannot use: give a PostgreSQL address {FORMS}\n")
    assert "secret" not in result.output


def test_an_address_without_a_scheme_is_named_so(environment):
    environment.setenv("KANBAN_DATABASE_URL", "db.example.com/crm")

    result = run("db", "upgrade")

    assert result.exit_code == 1
    assert result.output == ("Error: KANBAN_DATABASE_URL is not a database address: give a "
                             f"PostgreSQL address {FORMS}\n")


def test_check_lists_another_database_as_a_failed_check(environment):
    environment.setenv("KANBAN_DATABASE_URL", "postgresq://kanban@db/crm")

    result = run("check")

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"ERROR: KANBAN_DATABASE_URL starts with postgresq://, which Kanban cannot use: give a "
        f"PostgreSQL address {FORMS}",
        "1 error: Kanban would not work safely until it is fixed.",
    ]


def test_the_refusal_is_said_in_the_teams_language(environment):
    environment.setenv("KANBAN_DATABASE_URL", "mariadb://kanban@db/crm")
    environment.setenv("KANBAN_LANGUAGE", "ru")

    result = run("db", "upgrade")

    assert result.exit_code == 1
    assert "KANBAN_DATABASE_URL начинается с mariadb://" in result.output
    assert "postgresql://user@host/name" in result.output


def test_the_command_list_says_the_refusal_without_a_traceback(environment):
    environment.setenv("KANBAN_DATABASE_URL", "mysql://kanban@db/crm")

    result = run("--help")

    assert "Error: KANBAN_DATABASE_URL starts with mysql://" in result.output
    assert "Traceback" not in result.output


def test_the_server_stops_at_start_with_the_sentence_and_no_traceback(tmp_path):
    env = {**os.environ, "KANBAN_DATABASE_URL": "mysql://kanban@db/crm",
           "KANBAN_INSTANCE_PATH": str(tmp_path / "instance"), "KANBAN_SECRET_KEY": "x" * 40,
           "KANBAN_PLUGINS": "[]", "KANBAN_LANGUAGE": "es"}

    done = subprocess.run(
        [str(GUNICORN), "--workers", "1", "--bind", f"127.0.0.1:{free_port()}", "--chdir",
         str(ROOT), "wsgi:app"], env=env, capture_output=True, text=True, timeout=60)

    assert done.returncode != 0
    assert "KANBAN_DATABASE_URL empieza por mysql://" in done.stderr
    assert "Traceback" not in done.stderr
