"""A Redis that takes connections and never answers: requests go on without it after
REDIS_TIMEOUT_SECONDS (limits in the worker's memory, jobs in a thread) instead of waiting."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from kanban.extensions import db
from kanban.services import redis_store
from kanban.services.redis_store import RETRY_AFTER_SECONDS, connect_redis
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


@pytest.fixture
def counted_redis_app(app_config, tmp_path, silent_server) -> Iterator[Flask]:
    """As ``silent_redis_app``, its Redis counting the connections made to it."""
    application = app_on(app_config, tmp_path, RATELIMIT_ENABLED=True, REDIS_TIMEOUT_SECONDS=0.5,
                         RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{silent_server.port}/0")
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


def test_a_login_waits_for_a_silent_redis_once(counted_redis_app, silent_server):
    user = UserFactory()
    client = counted_redis_app.test_client()

    response = in_app(counted_redis_app, lambda: client.post(
        "/login", data={"email": user.email, "password": PASSWORD}))

    assert response.status_code == 302
    assert silent_server.connections == 1  # not again for the limiter's check of its store


def test_requests_after_a_failure_leave_redis_alone_for_a_while(counted_redis_app,
                                                                silent_server):
    user = UserFactory()
    client = counted_redis_app.test_client()
    in_app(counted_redis_app, lambda: client.post(
        "/login", data={"email": user.email, "password": PASSWORD}))
    asked = silent_server.connections
    time.sleep(2.5)  # past Flask-Limiter's own pause before it checks its store again

    stranger = counted_redis_app.test_client()
    statuses = [in_app(counted_redis_app, lambda: client.get("/login")).status_code,
                in_app(counted_redis_app, lambda: stranger.post(
                    "/login", data={"email": user.email, "password": "wrong"})).status_code]

    assert statuses == [302, 401]  # logged in, the login page sends to the agenda
    assert silent_server.connections == asked


def test_after_a_failure_the_job_queue_does_not_wait_for_redis_either(counted_redis_app,
                                                                      silent_server):
    from kanban.jobs.queue import rq_queue

    user = UserFactory()
    client = counted_redis_app.test_client()
    in_app(counted_redis_app, lambda: client.post(
        "/login", data={"email": user.email, "password": PASSWORD}))

    with pytest.raises(redis.ConnectionError):
        rq_queue().connection.ping()
    assert silent_server.connections == 1


def test_a_redis_that_failed_is_asked_again_after_a_while(silent_server, monkeypatch):
    url = f"redis://127.0.0.1:{silent_server.port}/0"
    with pytest.raises(redis.TimeoutError):
        connect_redis(url, timeout=0.3).ping()
    with pytest.raises(redis.ConnectionError):  # at once, without connecting
        connect_redis(url, timeout=0.3).ping()
    assert silent_server.connections == 1

    later = time.monotonic() + RETRY_AFTER_SECONDS + 1
    monkeypatch.setattr(redis_store, "monotonic", lambda: later)
    with pytest.raises(redis.TimeoutError):
        connect_redis(url, timeout=0.3).ping()
    assert silent_server.connections == 2
