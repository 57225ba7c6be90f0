"""The rate-limit store (Redis) down: requests are served, the operator hears it once."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from flask import Flask

from kanban.extensions import db
from tests.factories import PASSWORD, PipelineFactory, UserFactory
from tests.outages.conftest import app_on, closed_port
from tests.webform.factories import WebFormFactory


@pytest.fixture
def store_down_app(app_config, tmp_path) -> Iterator[Flask]:
    """Rate limits on, kept in a Redis that refuses connections."""
    application = app_on(
        app_config, tmp_path, RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}/0",
        LOGIN_LIMITS_PER_ACCOUNT="3 per minute", LOGIN_LIMITS_PER_IP="50 per minute",
    )
    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


def login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def store_complaints(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING
            and r.name in ("kanban.ratelimits", "flask-limiter")]


def test_logging_in_is_served_while_the_store_is_down(store_down_app):
    user = UserFactory()
    assert login(store_down_app.test_client(), user.email).status_code == 302


def test_the_operator_sees_one_plain_line_for_many_requests(store_down_app, caplog):
    user = UserFactory()
    client = store_down_app.test_client()
    with caplog.at_level(logging.WARNING):
        statuses = [login(client, user.email, "wrong").status_code for _ in range(3)]
        statuses.append(client.get("/login").status_code)
    assert statuses == [401, 401, 401, 200]
    [line] = store_complaints(caplog)
    assert line.name == "kanban.ratelimits"
    assert "RATELIMIT_STORAGE_URI" in line.getMessage()
    assert "requests are served" in line.getMessage()


def test_limits_still_count_in_each_workers_memory_while_the_store_is_down(store_down_app):
    user = UserFactory()
    client = store_down_app.test_client()
    for _ in range(3):
        assert login(client, user.email, "wrong").status_code == 401
    assert login(client, user.email).status_code == 429


def test_a_web_form_sent_while_the_store_is_down_is_stored(store_down_app):
    WebFormFactory(slug="contact", stage=PipelineFactory().stages[0])
    response = store_down_app.test_client().post(
        "/f/contact.json", json={"name": "Ana", "email": "ana@example.com"})
    assert response.status_code == 201
