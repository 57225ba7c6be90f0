"""A database failure is a 5xx the visitor can retry; a 2xx means the lead is stored."""

from __future__ import annotations

import re

import pytest
from kanban_webform import capture
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from kanban.extensions import db
from kanban.models import Lead
from tests.webform.helpers import post_form

ANA = {"name": "Ana Silva", "email": "ana@example.com", "message": "Quote please"}


@pytest.fixture
def database_fails_once(monkeypatch):
    real = capture.create_lead
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT INTO leads", {}, Exception("connection lost"))
        return real(*args, **kwargs)

    monkeypatch.setattr(capture, "create_lead", flaky)


def lead_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Lead))


def test_hosted_page_answers_503_keeps_input_then_succeeds_on_retry(
    client, contact_form, database_fails_once
):
    failed = post_form(client, ANA)
    assert failed.status_code == 503
    assert failed.headers["Retry-After"]
    html = failed.get_data(as_text=True)
    assert "Please send it again" in html and 'value="Ana Silva"' in html
    assert lead_count() == 0
    assert post_form(client, ANA).status_code == 303
    assert lead_count() == 1


def test_json_answers_503_then_succeeds_on_retry(client, contact_form, database_fails_once):
    failed = client.post("/f/contact.json", json=ANA)
    assert failed.status_code == 503
    assert failed.get_json()["error"]["code"] == "unavailable"
    assert lead_count() == 0
    assert client.post("/f/contact.json", json=ANA).status_code == 201
    assert lead_count() == 1


def test_a_form_given_back_after_a_failure_may_be_sent_again_at_once(
    app, client, contact_form, database_fails_once
):
    html = post_form(client, ANA).get_data(as_text=True)
    app.config["WEBFORM_MIN_FILL_SECONDS"] = 60
    token = re.search(r'name="_ts" value="([^"]+)"', html).group(1)

    assert post_form(client, ANA, token=token).status_code == 303

    assert lead_count() == 1
