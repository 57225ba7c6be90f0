"""A database locked too long or read-only: writes answer 503 at once and leave nothing behind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Activity, Lead
from tests.api.conftest import assert_error
from tests.conftest import log_in
from tests.factories import PASSWORD, LeadFactory, UserFactory
from tests.webform.factories import WebFormFactory
from tests.webform.helpers import hosted_token

# As a browser sends the hosted form: with its empty honeypot field.
ANA = {"name": "Ana Silva", "email": "ana@example.com", "message": "Quote please", "hp_website": ""}
UNAVAILABLE = "The database is not answering just now, so nothing was saved."


def rows() -> tuple[int, int]:
    """Count leads and timeline entries as another reader would see them."""
    db.session.rollback()
    return (db.session.scalar(select(func.count(Lead.id))),
            db.session.scalar(select(func.count(Activity.id))))


@pytest.fixture
def contact_form(pipeline):
    return WebFormFactory(name="Contact", slug="contact", stage=pipeline.stages[0])


# --- locked longer than the busy timeout (SQLite) or the lock timeout (PostgreSQL) ---------


def test_an_api_write_to_a_locked_database_answers_503_and_writes_nothing(
    member_client, pipeline, database_locked
):
    response = member_client.post("/api/v1/leads", json={"title": "Printer fleet"})
    assert_error(response, 503, "unavailable")
    assert response.headers["Retry-After"] == "5"
    database_locked()
    assert rows() == (0, 0)


def test_a_page_write_to_a_locked_database_answers_503_and_writes_nothing(
    member_client, pipeline, database_locked
):
    response = member_client.post("/leads/new", data={
        "title": "Printer fleet", "currency": "EUR", "next_action_kind": "todo",
        "stage_id": str(pipeline.stages[0].id)})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert UNAVAILABLE in response.get_data(as_text=True)
    database_locked()
    assert rows() == (0, 0)


def test_the_hosted_form_sent_to_a_locked_database_answers_503_and_keeps_the_input(
    client, contact_form, request
):
    token = hosted_token(client)
    request.getfixturevalue("database_locked")
    response = client.post("/f/contact", data={"_ts": token, **ANA})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    html = response.get_data(as_text=True)
    assert "Please send it again" in html and 'value="Ana Silva"' in html
    request.getfixturevalue("database_locked")()
    assert rows() == (0, 0)


def test_the_hosted_form_sent_again_once_the_lock_is_gone_is_stored(
    client, contact_form, request
):
    token = hosted_token(client)
    release = request.getfixturevalue("database_locked")
    assert client.post("/f/contact", data={"_ts": token, **ANA}).status_code == 503
    release()
    assert client.post("/f/contact", data={"_ts": token, **ANA}).status_code == 303
    assert rows()[0] == 1


def test_a_card_moved_in_a_locked_database_answers_503_not_a_conflict(
    member_client, pipeline, request
):
    lead = LeadFactory(stage=pipeline.stages[0])
    stage_id, lead_id, version = pipeline.stages[1].id, lead.id, lead.version
    database_locked = request.getfixturevalue("database_locked")
    response = member_client.post(f"/api/v1/leads/{lead_id}/move",
                                  json={"stage_id": stage_id, "version": version})
    assert_error(response, 503, "unavailable")
    database_locked()
    db.session.rollback()
    assert db.session.get(Lead, lead_id).stage_id == pipeline.stages[0].id


# --- read-only: a full disk, a read-only file, a standby after a failover -------------------


def test_an_api_write_to_a_read_only_database_answers_503_and_writes_nothing(
    member, pipeline, read_only_app
):
    response = log_in(read_only_app.test_client(), member).post(
        "/api/v1/leads", json={"title": "Printer fleet"})
    assert_error(response, 503, "unavailable")
    assert response.headers["Retry-After"] == "5"
    assert rows() == (0, 0)


def test_the_hosted_form_sent_to_a_read_only_database_answers_503(
    contact_form, read_only_app
):
    client = read_only_app.test_client()
    response = client.post("/f/contact", data={"_ts": hosted_token(client), **ANA})
    assert response.status_code == 503
    assert 'value="Ana Silva"' in response.get_data(as_text=True)
    assert rows() == (0, 0)


def test_a_read_only_database_still_shows_pages_and_lets_people_log_in(
    pipeline, read_only_app_with_ana
):
    client = read_only_app_with_ana.test_client()
    response = client.post("/login", data={"email": "ana@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/board").status_code == 200


@pytest.fixture
def read_only_app_with_ana(request):
    UserFactory(email="ana@example.com")
    return request.getfixturevalue("read_only_app")
