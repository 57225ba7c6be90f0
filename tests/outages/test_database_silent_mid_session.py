"""A PostgreSQL server that goes silent on connections the app already holds (its host
died, a firewall started dropping packets): a request on such a connection answers 503 in
plain words within seconds, not after the minutes the system would go on sending."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from kanban import database
from kanban.extensions import db
from tests.factories import UserFactory
from tests.outages.conftest import ProxyThatGoesSilent, app_on, within_guard
from tests.outages.test_unreachable_database import assert_unavailable_page


@pytest.fixture(autouse=True)
def postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("SQLite opens a file: there is no server to go silent")


@pytest.fixture
def proxy(app) -> Iterator[ProxyThatGoesSilent]:
    address = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = ProxyThatGoesSilent(address.host, address.port or 5432)
    yield proxy
    proxy.close()


@pytest.fixture
def person(app) -> str:
    """Someone on the team, as their browser's session names them."""
    member = UserFactory()
    db.session.commit()
    return member.get_id()


@pytest.fixture
def proxied_app(app, app_config, tmp_path, proxy) -> Iterator[Flask]:
    """The same database, reached through the proxy."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(host="127.0.0.1", port=proxy.port)
    application = app_on(app_config, tmp_path,
                         SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False))
    with application.app_context():
        yield application
        proxy.close()  # what still waits on it gives up
        db.engine.dispose()


@pytest.fixture
def agenda(person, proxied_app):
    """Open the agenda in a thread of its own, as one person who was served before."""
    client = proxied_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = person
        session["_fresh"] = True

    def open_agenda():
        with proxied_app.app_context():
            return client.get("/agenda")

    assert open_agenda().status_code == 200
    return open_agenda


def test_a_request_on_a_connection_whose_server_went_silent_answers_503(
    agenda, proxy, monkeypatch
):
    monkeypatch.setattr(database, "IDLE_BEFORE_CHECK_SECONDS", 60)  # its own query waits
    proxy.go_silent()
    assert_unavailable_page(within_guard(agenda))


def test_the_check_of_an_idle_connection_whose_server_went_silent_answers_503(
    agenda, proxy, monkeypatch
):
    monkeypatch.setattr(database, "IDLE_BEFORE_CHECK_SECONDS", 0)  # the check waits
    proxy.go_silent()
    assert_unavailable_page(within_guard(agenda))
