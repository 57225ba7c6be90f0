"""A Redis that takes connections and never answers: requests go on without it after
REDIS_TIMEOUT_SECONDS (limits in the worker's memory, jobs in a thread) instead of waiting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from kanban.extensions import db
from tests.factories import PASSWORD, UserFactory
from tests.outages.conftest import app_on, within_guard


@pytest.fixture
def backend() -> str:
    """Redis's part, the same on either database."""
    return "sqlite"


@pytest.fixture
def silent_redis_app(app_config, tmp_path, silent_port) -> Iterator[Flask]:
    """Rate limits on, kept in a Redis that never answers; short waits for the test."""
    application = app_on(app_config, tmp_path, RATELIMIT_ENABLED=True, REDIS_TIMEOUT_SECONDS=0.5,
                         RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{silent_port}/0")
    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


def in_app(app: Flask, call):
    def with_context():
        with app.app_context():
            return call()

    return within_guard(with_context)


def test_logging_in_is_served_while_redis_never_answers(silent_redis_app):
    user = UserFactory()
    client = silent_redis_app.test_client()

    response = in_app(silent_redis_app, lambda: client.post(
        "/login", data={"email": user.email, "password": PASSWORD}))

    assert response.status_code == 302


def test_the_rate_limit_store_and_the_job_queue_give_up_after_the_setting(silent_redis_app):
    from kanban.extensions import limiter
    from kanban.jobs.queue import rq_queue

    clients = {"rate limits": limiter.storage.storage, "jobs": rq_queue().connection}

    waits = {name: (client.connection_pool.connection_kwargs["socket_connect_timeout"],
                    client.connection_pool.connection_kwargs["socket_timeout"])
             for name, client in clients.items()}
    assert waits == {"rate limits": (0.5, 0.5), "jobs": (0.5, 0.5)}
