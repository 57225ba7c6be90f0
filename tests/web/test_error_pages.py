"""Error pages answering a form: the way back to what was typed comes first, and when the
session behind the form expired, the text typed is shown to copy (never a password)."""

from __future__ import annotations

import pytest

from kanban.extensions import db
from kanban.models import Lead
from tests.factories import LeadFactory

EXPIRED = "The page expired or the security token is missing."


@pytest.fixture
def app_config(app_config):
    """The forms' token is checked, as in production."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


def sent_after_expiry(client, path: str, data: dict[str, str], language: str = "en"):
    """Send a form whose token belongs to a session that has ended."""
    return client.post(path, data={**data, "csrf_token": "from-an-ended-session"},
                       headers={"Referer": f"http://localhost{path}",
                                "Accept-Language": language})


def test_an_expired_form_offers_to_go_back_to_what_was_typed_first(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = sent_after_expiry(member_client, f"/leads/{lead.id}/edit", {"title": "New"})

    html = response.text
    assert response.status_code == 400
    assert EXPIRED in html
    assert html.index("Go back to what you typed") < html.index("Back to the board")
    assert "data-history-back" in html
    assert f'href="/leads/{lead.id}/edit" data-history-fallback' in html
    assert "js/go-back.js" in html


def test_an_expired_form_shows_the_text_typed_to_copy(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], title="Old title")
    response = sent_after_expiry(member_client, f"/leads/{lead.id}/edit", {
        "title": "Printer fleet", "description": "Call Ana on Monday", "starred": "y",
        "owner_id": "7", "version": "3", "next_action_kind": "todo", "priority": "2",
    })

    html = response.text
    assert "What you had typed:" in html
    assert "<strong>Title</strong>: Printer fleet" in html
    assert "<strong>Description</strong>: Call Ana on Monday" in html
    for filled_in_by_the_page in ("Owner", "version", "Starred", "from-an-ended-session",
                                  "Next action kind", "Priority</strong>"):
        assert filled_in_by_the_page not in html
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).title == "Old title"


def test_an_expired_form_never_shows_a_password_typed(member_client):
    response = sent_after_expiry(member_client, "/profile/password", {
        "current_password": "my old secret", "new_password": "my new secret"})

    assert response.status_code == 400
    assert "secret" not in response.text
    assert "What you had typed:" not in response.text


def test_typed_text_is_escaped_on_the_error_page(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = sent_after_expiry(member_client, f"/leads/{lead.id}/edit",
                                 {"title": '<script>alert("x")</script>'})

    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text


def test_a_page_asked_for_offers_only_the_board(member_client):
    response = member_client.get("/leads/999999")

    assert response.status_code == 404
    assert "Go back to what you typed" not in response.text
    assert "Back to the board" in response.text


def test_an_expired_form_shows_only_the_text_written_under_the_forms_labels_in_portuguese(
    member_client, pipeline
):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = sent_after_expiry(member_client, f"/leads/{lead.id}/notes", {
        "body": "Ligou a Ana", "kind": "meeting", "follow_up": "next_week",
        "asked_unit": "weeks", "next_action_text": "Enviar a proposta", "status": "lost",
    }, language="pt")

    html = response.text
    assert "<strong>O que aconteceu</strong>: Ligou a Ana" in html
    assert "<strong>O que fazer</strong>: Enviar a proposta" in html
    for picked_not_typed in ("body", "meeting", "kind", "follow_up", "next_week", "asked_unit",
                             "weeks", "status", "lost"):
        assert f"{picked_not_typed}</strong>" not in html
        assert f": {picked_not_typed}<" not in html


def test_an_expired_form_of_options_only_shows_no_typed_list(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = sent_after_expiry(member_client, f"/leads/{lead.id}/close",
                                 {"status": "lost"}, language="pt")

    assert response.status_code == 400
    assert 'class="typed"' not in response.text
