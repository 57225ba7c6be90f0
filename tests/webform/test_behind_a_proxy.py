"""The hosted form behind a proxy that serves HTTPS but does not say so (no
X-Forwarded-Proto): the app's own page is still its own, and every refusal is logged with
the origin received, the one expected and the likely cause."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from tests.webform.helpers import post_form

ANA = {"name": "Ana Silva", "email": "ana@example.com"}
WEBFORM_LOGGER = "kanban_webform.cors"


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "PROXY_FIX_HOPS": 1}


def leads() -> list[Lead]:
    return db.session.scalars(select(Lead)).all()


def warnings(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name == WEBFORM_LOGGER and record.levelno == logging.WARNING]


def test_the_apps_own_https_page_is_stored_when_the_proxy_does_not_send_the_scheme(
    client, contact_form, caplog
):
    with caplog.at_level(logging.WARNING):
        response = post_form(client, ANA, headers={"Origin": "https://localhost"})

    assert response.status_code == 303
    assert len(leads()) == 1
    [said] = warnings(caplog)
    assert "https://localhost" in said and "http://localhost" in said
    assert "X-Forwarded-Proto" in said


def test_the_proxys_hint_is_logged_once(client, contact_form, caplog):
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            post_form(client, ANA, headers={"Origin": "https://localhost"})

    assert len(warnings(caplog)) == 1


def test_an_http_page_for_an_app_served_over_https_stays_refused(client, contact_form,
                                                                 caplog):
    with caplog.at_level(logging.WARNING):
        response = post_form(client, ANA, headers={"Origin": "http://localhost",
                                                   "X-Forwarded-Proto": "https"})

    assert response.status_code == 403
    assert leads() == []
    [said] = warnings(caplog)
    assert "refused a submission from http://localhost" in said
    assert "X-Forwarded-Proto" in said


def test_without_the_proxy_setting_the_https_page_is_refused_and_the_log_says_why(
    app, client, contact_form, caplog
):
    app.config["PROXY_FIX_HOPS"] = 0  # the app is reached directly: headers mean nothing

    with caplog.at_level(logging.WARNING):
        response = post_form(client, ANA, headers={"Origin": "https://localhost"})

    assert response.status_code == 403
    [said] = warnings(caplog)
    assert "refused a submission from https://localhost" in said
    assert "expects its own address http://localhost" in said
    assert "KANBAN_PROXY_FIX_HOPS is 0" in said


def test_a_foreign_site_refused_is_logged_with_the_forms_websites(client, contact_form,
                                                                  caplog):
    contact_form.allowed_origins = ["https://bakery.example"]
    db.session.commit()

    with caplog.at_level(logging.WARNING):
        response = post_form(client, ANA, headers={"Origin": "https://evil.example"})

    assert response.status_code == 403
    [said] = warnings(caplog)
    assert "https://evil.example" in said and "https://bakery.example" in said
