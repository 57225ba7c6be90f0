"""Fixtures for the JSON API: API tokens, Bearer headers and a board with a few leads."""

from __future__ import annotations

import pytest

from kanban.auth.tokens import create_token
from kanban.models import User
from tests.factories import LeadFactory


def bearer(user: User) -> dict[str, str]:
    """Return headers carrying a fresh API token of the user."""
    _, secret = create_token(user, "API tests")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def member_auth(member) -> dict[str, str]:
    return bearer(member)


@pytest.fixture
def manager_auth(manager) -> dict[str, str]:
    return bearer(manager)


@pytest.fixture
def api(client, member_auth):
    """A client that speaks to /api/v1 as the member, with a Bearer token."""

    class Api:
        def __init__(self, headers: dict[str, str]):
            self.headers = headers

        def open(self, method: str, path: str, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

        def get(self, path: str, **kwargs):
            return self.open("GET", path, **kwargs)

        def post(self, path: str, **kwargs):
            return self.open("POST", path, **kwargs)

        def patch(self, path: str, **kwargs):
            return self.open("PATCH", path, **kwargs)

        def delete(self, path: str, **kwargs):
            return self.open("DELETE", path, **kwargs)

    return Api(member_auth)


@pytest.fixture
def column(pipeline):
    """Three leads in the pipeline's first stage, top to bottom."""
    stage = pipeline.stages[0]
    return [LeadFactory(stage=stage, title=title) for title in ("Alpha", "Beta", "Gamma")]


def assert_error(response, status: int, code: str | None = None) -> dict:
    """Check the error body's shape and return its ``error`` object."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error)
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["fields"], dict)
    if code is not None:
        assert error["code"] == code
    return error
