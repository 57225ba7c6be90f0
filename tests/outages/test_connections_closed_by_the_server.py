"""A database server that closed the app's connections (restarted, or ending idle sessions):
requests are served again on new connections, and a connection used a moment ago is not
checked again before each request."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import func, select

from kanban import database
from kanban.extensions import db
from kanban.models import Lead
from kanban.services.background_call import flush_every_call
from tests.webform.factories import WebFormFactory

UNAVAILABLE = "The database is not answering just now, so nothing was saved."


@pytest.fixture(autouse=True)
def postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("SQLite opens a file: no server closes its connections")


@pytest.fixture
def contact_form(pipeline):
    form = WebFormFactory(name="Contact", slug="contact", stage=pipeline.stages[0])
    db.session.commit()
    return form


def send(client, email: str):
    return client.post("/f/contact.json", json={"name": "Ana Silva", "email": email})


def close_the_apps_connections(app) -> None:
    """Do what a restarted server does to the pool: end every session of the app's database
    but this one, and wait until they are gone."""
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    flush_every_call()  # a wake-up of the open boards sent later would open a new one
    with psycopg.connect(url, autocommit=True) as admin:
        others = ("FROM pg_stat_activity WHERE datname = current_database() "
                  "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
        deadline = time.monotonic() + 15
        # Ended again each round: a session opened meanwhile (another thread's) ends too.
        while admin.execute(f"SELECT count(pg_terminate_backend(pid)) {others}").fetchone()[0]:
            assert time.monotonic() < deadline, "the sessions did not end"
            time.sleep(0.05)


def leads() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Lead.id)))


def test_a_request_after_the_connections_sat_idle_and_were_closed_is_served(
    app, client, contact_form, monkeypatch
):
    monkeypatch.setattr(database, "IDLE_BEFORE_CHECK_SECONDS", 0.05)
    assert send(client, "ana@example.com").status_code == 201
    db.session.remove()
    close_the_apps_connections(app)
    time.sleep(0.1)
    assert send(client, "rui@example.com").status_code == 201
    assert leads() == 2


@pytest.fixture
def checks(app, monkeypatch) -> list[object]:
    """The connections checked before use, in order."""
    checked: list[object] = []
    dialect = db.engine.dialect
    check = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping",
                        lambda connection: checked.append(connection) or check(connection))
    return checked


def test_a_connection_used_a_moment_ago_serves_without_a_check(
    client, contact_form, checks, monkeypatch
):
    monkeypatch.setattr(database, "IDLE_BEFORE_CHECK_SECONDS", 60)  # a slow machine too
    assert send(client, "ana@example.com").status_code == 201
    assert send(client, "rui@example.com").status_code == 201
    assert checks == []


def test_a_connection_idle_a_while_is_checked_before_it_serves(
    client, contact_form, checks, monkeypatch
):
    monkeypatch.setattr(database, "IDLE_BEFORE_CHECK_SECONDS", 0.05)
    assert send(client, "ana@example.com").status_code == 201
    time.sleep(0.1)
    assert send(client, "rui@example.com").status_code == 201
    assert checks and leads() == 2


def test_a_connection_closed_just_after_use_costs_one_answer_and_the_next_is_served(
    app, client, contact_form, monkeypatch
):
    monkeypatch.setattr(database, "IDLE_BEFORE_CHECK_SECONDS", 60)  # a slow machine too
    assert send(client, "ana@example.com").status_code == 201
    db.session.remove()
    close_the_apps_connections(app)
    refused = send(client, "rui@example.com")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    assert send(client, "rui@example.com").status_code == 201
    assert leads() == 2
