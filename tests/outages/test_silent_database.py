"""A PostgreSQL address that takes connections and never answers (packets dropped by a
firewall, a failover address that is down): requests answer 503 in plain words long before
the worker would be killed, and so does /readyz."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask

from kanban.database import POSTGRESQL_KEEPALIVES, postgresql_connect_args
from kanban.extensions import db
from kanban.services.live_wakeup import _postgresql_notices
from tests.outages.conftest import app_on, within_guard
from tests.outages.test_unreachable_database import assert_unavailable_page, logged_in_client


@pytest.fixture
def backend() -> str:
    """The app's own database is never reached: one run is enough."""
    return "sqlite"


@pytest.fixture
def silent_app(app_config, tmp_path, silent_port) -> Iterator[Flask]:
    url = f"postgresql+psycopg://kanban@127.0.0.1:{silent_port}/kanban"
    config = {key: value for key, value in app_config.items()
              if key != "SQLALCHEMY_ENGINE_OPTIONS"}
    application = app_on(config, tmp_path, SQLALCHEMY_DATABASE_URI=url)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def test_a_page_answers_503_in_plain_words_when_the_database_never_answers(silent_app):
    client = logged_in_client(silent_app)

    def get_page():
        with silent_app.app_context():
            return client.get("/agenda")

    assert_unavailable_page(within_guard(get_page))


def test_the_503_page_is_made_without_waiting_for_the_database_again(silent_app, monkeypatch):
    dialect = db.engine.dialect
    attempts: list[object] = []
    connect = dialect.connect
    monkeypatch.setattr(dialect, "connect", lambda *args, **kwargs: attempts.append(args)
                        or connect(*args, **kwargs))
    client = logged_in_client(silent_app)

    def get_page():
        with silent_app.app_context():
            return client.get("/agenda")

    assert_unavailable_page(within_guard(get_page))
    assert len(attempts) == 1


def test_readyz_answers_503_when_the_database_never_answers(silent_app):
    def get_readyz():
        with silent_app.app_context():
            return silent_app.test_client().get("/readyz")

    response = within_guard(get_readyz)
    assert response.status_code == 503
    assert response.json["checks"]["database"].startswith("the database cannot be reached")


def test_a_connect_timeout_given_in_the_database_url_is_kept():
    args = postgresql_connect_args("postgresql+psycopg://kanban@db/kanban?connect_timeout=20",
                                   {"DATABASE_CONNECT_TIMEOUT_SECONDS": 5})
    assert "connect_timeout" not in args
    assert args == {"tcp_user_timeout": 5000, **POSTGRESQL_KEEPALIVES}


def test_the_listening_connection_gives_up_when_the_database_never_answers(silent_port):
    url = f"postgresql+psycopg://kanban@127.0.0.1:{silent_port}/kanban"
    notices = _postgresql_notices(url, postgresql_connect_args(
        url, {"DATABASE_CONNECT_TIMEOUT_SECONDS": 1}))

    def listen():
        try:
            next(notices())
        except Exception as error:  # noqa: BLE001 - the listener logs it and tries again
            return error
        return None

    assert isinstance(within_guard(listen), psycopg.OperationalError)
