"""A visitor's invisible control characters are dropped, so the lead is never lost over them."""

from __future__ import annotations

from kanban_webform.models import Submission
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from kanban.text import has_unstorable
from tests.webform.helpers import post_form


def the_lead() -> Lead:
    return db.session.scalars(select(Lead)).one()


def test_json_submission_with_control_characters_and_a_lone_surrogate_is_cleaned(
    client, contact_form
):
    response = client.post("/f/contact.json", json={
        "name": "Ana\x07 Silva", "email": "ana@example.com",
        "message": "Quote\x00 please\ud800\x7f\nthanks\tagain",
    })
    assert response.status_code == 201
    lead = the_lead()
    assert lead.contact_name == "Ana Silva"
    assert lead.description == "Quote please\nthanks\tagain"


def test_hosted_page_submission_with_control_characters_is_cleaned(client, contact_form):
    response = post_form(client, {"name": "Ana\x1b Silva", "email": "ana@example.com",
                                  "message": "Quote\x0c please"})
    assert response.status_code == 303
    lead = the_lead()
    assert (lead.contact_name, lead.description) == ("Ana Silva", "Quote please")


def test_a_required_field_holding_only_control_characters_is_named_as_empty(
    client, contact_form
):
    response = client.post("/f/contact.json", json={"name": "\x00\x07",
                                                    "email": "ana@example.com"})
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]
    assert db.session.scalars(select(Lead)).all() == []


def test_spam_kept_for_review_is_cleaned_too(client, contact_form):
    client.post("/f/contact.json", json={"name": "Bot\x00", "email": "b@example.com",
                                         "hp_website": "x", "_page": "http://a\x7f"})
    kept = db.session.scalars(select(Submission)).one()
    assert kept.values["name"] == "Bot"
    assert not has_unstorable(str(kept.meta))
