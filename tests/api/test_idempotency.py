"""Idempotency-Key on POST /api/v1/leads: a replay gets the first answer and makes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from kanban.auth.tokens import create_token
from kanban.extensions import db
from kanban.models import IdempotencyKey, Lead
from kanban.models.base import utcnow
from tests.api.conftest import assert_error, bearer
from tests.live import at_once, post_json, start_live_server


def lead_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Lead.id)))


def test_replay_with_the_same_key_returns_the_first_answer_and_creates_nothing(api, pipeline):
    headers = {"Idempotency-Key": "order-42"}
    first = api.post("/leads", json={"title": "Printers"}, headers=headers)
    again = api.post("/leads", json={"title": "Printers"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert lead_count() == 1


def test_the_same_object_with_its_keys_in_another_order_is_a_replay(api, pipeline):
    headers = {"Idempotency-Key": "order-43", "Content-Type": "application/json"}
    first = api.post("/leads", data='{"title": "Printers", "email": "it@acme.example.com"}',
                     headers=headers)
    again = api.post("/leads", data='{ "email":"it@acme.example.com","title":"Printers" }',
                     headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert lead_count() == 1


def test_different_keys_make_different_leads(api, pipeline):
    api.post("/leads", json={"title": "Printers"}, headers={"Idempotency-Key": "a"})
    api.post("/leads", json={"title": "Printers"}, headers={"Idempotency-Key": "b"})
    assert lead_count() == 2


def test_same_key_with_a_different_body_is_refused_in_plain_words(api, pipeline):
    api.post("/leads", json={"title": "Printers"}, headers={"Idempotency-Key": "k"})
    response = api.post("/leads", json={"title": "Scanners"}, headers={"Idempotency-Key": "k"})
    error = assert_error(response, 422, "invalid")
    assert "different request" in error["message"] and "new key" in error["message"]
    assert lead_count() == 1


def test_the_same_key_of_another_user_is_their_own(api, client, manager, pipeline):
    api.post("/leads", json={"title": "Printers"}, headers={"Idempotency-Key": "k"})
    response = client.post("/api/v1/leads", json={"title": "Printers"},
                           headers={**bearer(manager), "Idempotency-Key": "k"})
    assert response.status_code == 201 and lead_count() == 2


def test_a_refused_first_request_leaves_the_key_free_for_the_corrected_one(api, pipeline):
    headers = {"Idempotency-Key": "k"}
    assert api.post("/leads", json={"title": ""}, headers=headers).status_code == 422
    assert api.post("/leads", json={"title": ""}, headers=headers).status_code == 422
    assert lead_count() == 0


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "bell\x07"])
def test_an_unusable_key_is_refused_naming_the_header(api, pipeline, key):
    response = api.post("/leads", json={"title": "Printers"}, headers={"Idempotency-Key": key})
    assert "Idempotency-Key" in assert_error(response, 422, "invalid")["fields"]
    assert lead_count() == 0


def test_keys_are_kept_a_day_then_forgotten(api, pipeline):
    headers = {"Idempotency-Key": "k"}
    api.post("/leads", json={"title": "Printers"}, headers=headers)
    db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=23)))
    db.session.commit()
    assert api.post("/leads", json={"title": "Printers"}, headers=headers).status_code == 201
    assert lead_count() == 1
    db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    api.post("/leads", json={"title": "Printers"}, headers=headers)
    assert lead_count() == 2


@pytest.fixture
def server(app) -> Iterator[str]:
    live, stop = start_live_server(app)
    yield live.url
    stop()


def test_two_requests_at_once_with_one_key_make_one_lead(server, member, pipeline):
    headers = {"Authorization": f"Bearer {create_token(member, 'Race')[1]}",
               "Idempotency-Key": "race-1"}
    answers = at_once(2, lambda: post_json(server, "/api/v1/leads", {"title": "Printers"},
                                           headers))
    assert [status for status, _body in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    assert lead_count() == 1
