"""Per-IP and per-form rate limits: a flood is stopped, real visitors still get through."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Lead
from tests.webform.factories import WebFormFactory

ANA = {"name": "Ana Silva", "email": "ana@example.com"}


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "RATELIMIT_ENABLED": True,
            "WEBFORM_LIMIT_PER_IP": "3 per minute", "WEBFORM_LIMIT_PER_FORM": "6 per minute"}


def send(client, ip: str, slug: str = "contact", **data):
    return client.post(f"/f/{slug}.json", json={**ANA, **data}, environ_base={"REMOTE_ADDR": ip})


def lead_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Lead))


def test_a_flood_from_one_ip_is_refused_with_429(client, contact_form):
    answers = [send(client, "198.51.100.7", email=f"bot{i}@example.com").status_code
               for i in range(5)]
    assert answers == [201, 201, 201, 429, 429]
    assert lead_count() == 3


def test_a_real_visitor_gets_through_after_a_flood_from_another_ip(client, contact_form):
    for i in range(5):
        send(client, "198.51.100.7", email=f"bot{i}@example.com")
    assert send(client, "203.0.113.20", email="real@example.com").status_code == 201


def test_the_hosted_page_shares_the_ip_limit_and_says_what_to_do(client, contact_form):
    for i in range(3):
        send(client, "198.51.100.7", email=f"bot{i}@example.com")
    response = client.post("/f/contact", data=ANA, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 429
    assert "Wait a minute" in response.get_data(as_text=True)


def test_the_limit_per_form_stops_a_flood_from_many_ips(client, contact_form, pipeline):
    answers = [send(client, f"198.51.100.{i}", email=f"bot{i}@example.com").status_code
               for i in range(8)]
    assert answers == [201] * 6 + [429] * 2
    WebFormFactory(slug="other", stage=pipeline.stages[0])
    assert send(client, "203.0.113.20", slug="other").status_code == 201


def test_showing_the_form_is_not_limited(client, contact_form):
    assert {client.get("/f/contact").status_code for _ in range(8)} == {200}


def test_limits_are_shared_through_redis_between_workers(app_config, tmp_path):
    """Two app instances (two workers) share one Redis: a flood through one blocks the other."""
    redis = pytest.importorskip("redis")
    url = os.environ.get("KANBAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable")
    from kanban.app import create_app
    from tests.factories import PipelineFactory

    config = {**app_config, "RATELIMIT_STORAGE_URI": url,
              "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'workers.db'}"}
    # Redis outlives the test: an address of this run's own keeps its counts apart.
    ip = "10.{}.{}.{}".format(*uuid.uuid4().bytes[:3])
    worker = create_app(config)
    with worker.app_context():
        db.create_all()
        WebFormFactory(slug="contact", stage=PipelineFactory().stages[0])
        statuses = [send(worker.test_client(), ip, email=f"b{i}@example.com")
                    .status_code for i in range(3)]
        other_worker = create_app(config)
        blocked = send(other_worker.test_client(), ip).status_code
        db.session.remove()
    for instance in (worker, other_worker):
        with instance.app_context():
            db.engine.dispose()
    assert statuses == [201, 201, 201] and blocked == 429


def test_an_allowed_site_can_read_that_it_was_rate_limited(client, pipeline):
    WebFormFactory(slug="quote", stage=pipeline.stages[0], allowed_origins=["https://a.example"])
    for i in range(3):
        send(client, "198.51.100.7", slug="quote", email=f"b{i}@example.com")
    response = client.post("/f/quote.json", json=ANA, headers={"Origin": "https://a.example"},
                           environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert response.headers["Access-Control-Allow-Origin"] == "https://a.example"
