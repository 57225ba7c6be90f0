"""/healthz and /readyz answer load balancers in small JSON, without a login or a cookie."""

from __future__ import annotations

import os

import pytest

from kanban.app import create_app
from kanban.migrating import schema_commands
from kanban.services.health import team_redis_name

REDIS_URL = os.environ.get("KANBAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def migrated(app):
    schema_commands().stamp(revision="heads")
    return app


def unreachable_database(backend: str, tmp_path) -> str:
    if backend == "postgresql":
        return "postgresql+psycopg://postgres@127.0.0.1:1/kanban"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'kanban.db'}"


def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"process": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_does_not_touch_the_database(app_config, backend, tmp_path):
    down = create_app({**app_config,
                       "SQLALCHEMY_DATABASE_URI": unreachable_database(backend, tmp_path)})

    assert down.test_client().get("/healthz").status_code == 200


def test_readyz_is_ok_when_the_database_is_current(migrated, client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json == {"status": "ok",
                             "checks": {"database": "ok", "migrations": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_needs_no_login_even_with_a_bad_token(migrated, client):
    response = client.get("/readyz", headers={"Authorization": "Bearer wrong"})

    assert response.status_code == 200


def test_readyz_names_the_database_when_it_cannot_be_reached(app_config, backend, tmp_path):
    down = create_app({**app_config,
                       "SQLALCHEMY_DATABASE_URI": unreachable_database(backend, tmp_path)})

    response = down.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert "cannot be reached" in response.json["checks"]["database"]
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_names_migrations_that_are_behind(app, client):
    schema_commands().stamp(revision="0001_core")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json["checks"]["database"] == "ok"
    assert "kanban db upgrade" in response.json["checks"]["migrations"]


def test_readyz_counts_a_database_never_migrated_as_behind(app, client):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json["checks"]["migrations"] != "ok"


def test_readyz_stays_ready_and_names_redis_when_it_does_not_answer(migrated, client):
    migrated.config["RATELIMIT_STORAGE_URI"] = CLOSED_PORT_REDIS

    response = client.get("/readyz")

    assert response.status_code == 200  # requests are served without Redis
    assert response.json["status"] == "degraded"
    assert "Redis cannot be reached" in response.json["checks"]["redis"]
    assert response.json["checks"]["database"] == "ok"


def test_readyz_is_unavailable_when_the_database_is_down_whatever_redis_says(
    app_config, backend, tmp_path
):
    down = create_app({**app_config, "RATELIMIT_STORAGE_URI": CLOSED_PORT_REDIS,
                       "SQLALCHEMY_DATABASE_URI": unreachable_database(backend, tmp_path)})

    response = down.test_client().get("/readyz")

    assert response.status_code == 503
    assert "Redis cannot be reached" in response.json["checks"]["redis"]


def test_readyz_checks_redis_when_one_is_configured(migrated, client):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable")
    migrated.config["RATELIMIT_STORAGE_URI"] = REDIS_URL

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json["checks"]["redis"] == "ok"


@pytest.mark.parametrize("spelling", [
    "postgresql+psycopg://kanban:secret@localhost/crm",
    "postgresql://kanban@127.0.0.1:5432/crm",
    "postgresql+psycopg://other:pw@LOCALHOST:5432/crm?sslmode=disable",
])
def test_the_app_and_a_worker_share_a_queue_however_the_database_url_is_spelled(spelling):
    app = "postgresql+psycopg://kanban:secret@127.0.0.1:5432/crm"
    assert team_redis_name("jobs", spelling) == team_redis_name("jobs", app)


@pytest.mark.parametrize("other", [
    "postgresql+psycopg://kanban@127.0.0.1:5432/another_team",
    "postgresql+psycopg://kanban@db.example:5432/crm",
    "postgresql+psycopg://kanban@127.0.0.1:5433/crm",
])
def test_another_database_has_a_queue_of_its_own(other):
    app = "postgresql+psycopg://kanban@127.0.0.1:5432/crm"
    assert team_redis_name("jobs", other) != team_redis_name("jobs", app)


def test_a_sqlite_file_is_known_by_where_it_is_whatever_the_path_said(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (team_redis_name("live", "sqlite:///kanban.db")
            == team_redis_name("live", f"sqlite:///{tmp_path}/./kanban.db"))
