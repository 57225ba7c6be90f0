"""Who may call the API: Bearer tokens, browser sessions with CSRF, roles."""

from __future__ import annotations

import re

import pytest

from kanban.auth.tokens import create_token, revoke_token
from kanban.extensions import db
from tests.api.conftest import assert_error, bearer
from tests.conftest import log_in
from tests.factories import UserFactory


@pytest.fixture
def app_config(app_config):
    """These tests check CSRF, which the other API tests turn off."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


def csrf_token(client) -> str:
    """Fetch the CSRF token a logged-in browser gets in every page."""
    page = client.get("/auth/profile").get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def test_no_login_is_401_json(client, pipeline):
    error = assert_error(client.get("/api/v1/leads"), 401, "unauthorized")
    assert error["fields"] == {}


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/api/v1/leads"),
    ("PATCH", "/api/v1/leads/1"),
    ("DELETE", "/api/v1/leads/1"),
    ("POST", "/api/v1/leads/1/move"),
])
def test_anonymous_write_is_401_asking_to_log_in_not_a_csrf_error(client, pipeline, method, path):
    response = client.open(path, method=method, json={"title": "A"})
    error = assert_error(response, 401, "unauthorized")
    assert error["message"] == "Log in or send an API token."
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_logged_in_write_without_csrf_token_is_refused(client, member, pipeline):
    log_in(client, member)
    response = client.post("/api/v1/leads", json={"title": "A"})
    assert_error(response, 400, "csrf")


def test_401_asks_for_a_bearer_token(client, pipeline):
    assert client.get("/api/v1/pipelines").headers["WWW-Authenticate"].startswith("Bearer")


def test_bearer_token_reads_without_a_session(client, member, pipeline):
    response = client.get("/api/v1/pipelines", headers=bearer(member))
    assert response.status_code == 200


def test_bearer_token_writes_without_a_csrf_token(client, member, pipeline):
    response = client.post("/api/v1/leads", json={"title": "By token"}, headers=bearer(member))
    assert response.status_code == 201
    assert response.get_json()["owner_id"] == member.id


def test_unknown_token_is_401(client, pipeline):
    response = client.get("/api/v1/leads", headers={"Authorization": "Bearer kbn_nothing"})
    assert_error(response, 401, "unauthorized")


def test_revoked_token_of_another_user_is_401(client, member, pipeline):
    other = UserFactory()
    token, secret = create_token(other, "Laptop")
    revoke_token(token)
    response = client.get("/api/v1/leads", headers={"Authorization": f"Bearer {secret}"})
    assert_error(response, 401, "unauthorized")


def test_token_stops_working_once_revoked(client, member, pipeline):
    token, secret = create_token(member, "Script")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/leads", headers=headers).status_code == 200
    revoke_token(token)
    assert_error(client.get("/api/v1/leads", headers=headers), 401)


def test_token_of_a_deactivated_user_is_401(client, member, pipeline):
    headers = bearer(member)
    member.active = False
    db.session.commit()
    assert_error(client.get("/api/v1/leads", headers=headers), 401, "unauthorized")


def test_session_reads_without_a_csrf_token(member_client, pipeline):
    assert member_client.get("/api/v1/pipelines").status_code == 200


def test_session_write_without_csrf_header_is_refused(member_client, pipeline):
    response = member_client.post("/api/v1/leads", json={"title": "Forged"})
    assert_error(response, 400, "csrf")
    assert member_client.get("/api/v1/leads").get_json()["total"] == 0


def test_session_write_with_a_wrong_csrf_header_is_refused(member_client, pipeline):
    response = member_client.post("/api/v1/leads", json={"title": "Forged"},
                                  headers={"X-CSRFToken": "forged"})
    assert_error(response, 400, "csrf")


def test_session_write_with_the_csrf_header_is_accepted(member_client, pipeline):
    response = member_client.post("/api/v1/leads", json={"title": "From the board"},
                                  headers={"X-CSRFToken": csrf_token(member_client)})
    assert response.status_code == 201


def test_session_delete_without_csrf_header_is_refused(app, manager, pipeline):
    from tests.factories import LeadFactory

    lead = LeadFactory(stage=pipeline.stages[0])
    client = log_in(app.test_client(), manager)
    assert_error(client.delete(f"/api/v1/leads/{lead.id}"), 400, "csrf")
    token = csrf_token(client)
    response = client.delete(f"/api/v1/leads/{lead.id}", headers={"X-CSRFToken": token})
    assert response.status_code == 204


def test_member_deleting_is_403_even_with_a_valid_token(client, member, pipeline):
    from tests.factories import LeadFactory

    lead = LeadFactory(stage=pipeline.stages[0])
    assert_error(client.delete(f"/api/v1/leads/{lead.id}", headers=bearer(member)), 403)


def test_revoked_token_on_a_write_is_401(client, member, pipeline):
    token, secret = create_token(member, "Script")
    revoke_token(token)
    response = client.post("/api/v1/leads", json={"title": "A"},
                           headers={"Authorization": f"Bearer {secret}"})
    assert_error(response, 401, "unauthorized")


def test_no_login_is_401_even_for_an_impossible_id(client, pipeline):
    assert_error(client.get("/api/v1/leads/99999999999999"), 401, "unauthorized")
