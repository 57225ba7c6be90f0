"""One filled form makes one lead: a used fill-time token, or a replayed Idempotency-Key."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest
from kanban_webform.models import Submission, UsedToken
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Lead
from tests.live import at_once, post, post_json, start_live_server
from tests.webform.helpers import hosted_token, post_form

ANA = {"name": "Ana Silva", "email": "ana@example.com", "message": "Quote please"}


def lead_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Lead.id)))


def test_the_same_filled_form_sent_twice_makes_one_lead_and_thanks_both_times(
    client, contact_form
):
    token = hosted_token(client)
    first = post_form(client, ANA, token=token)
    again = post_form(client, ANA, token=token)
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert lead_count() == 1


def test_two_visitors_who_open_the_form_at_once_each_make_a_lead(client, contact_form):
    first, second = hosted_token(client), hosted_token(client)
    assert first != second
    post_form(client, ANA, token=first)
    post_form(client, {**ANA, "email": "rui@example.com"}, token=second)
    assert lead_count() == 2


def test_a_form_refused_for_a_missing_field_can_be_corrected_and_sent(client, contact_form):
    token = hosted_token(client)
    assert post_form(client, {**ANA, "name": ""}, token=token).status_code == 422
    assert post_form(client, ANA, token=token).status_code == 303
    assert lead_count() == 1


def spam_count() -> int:
    return db.session.scalar(select(func.count(Submission.id))
                             .where(Submission.status == "spam"))


def test_a_form_sent_again_after_back_with_a_new_token_is_received_without_spam(
        client, contact_form, app):
    """Back in the browser shows what was typed with a token just handed out."""
    post_form(client, ANA)
    app.config["WEBFORM_MIN_FILL_SECONDS"] = 60
    again = post_form(client, ANA)
    assert again.status_code == 303 and again.headers["Location"].endswith("/f/contact/thanks")
    assert lead_count() == 1 and spam_count() == 0


def test_another_form_sent_too_fast_is_still_kept_as_spam(client, contact_form, app):
    post_form(client, ANA)
    app.config["WEBFORM_MIN_FILL_SECONDS"] = 60
    post_form(client, {**ANA, "message": "Buy cheap watches"})
    assert lead_count() == 1 and spam_count() == 1


def test_a_token_that_brought_its_form_in_is_answered_before_the_spam_checks(
        client, contact_form, app):
    token = hosted_token(client)
    post_form(client, ANA, token=token)
    app.config["WEBFORM_MIN_FILL_SECONDS"] = 60
    again = post_form(client, {**ANA, "message": "Quote please, for two"}, token=token)
    assert again.status_code == 303
    assert lead_count() == 1 and spam_count() == 0


def test_json_sent_again_with_a_new_token_is_received_without_spam(client, contact_form, app):
    client.post("/f/contact.json", json=ANA)
    app.config["WEBFORM_MIN_FILL_SECONDS"] = 60
    token = client.get("/f/contact/token").get_json()["token"]
    again = client.post("/f/contact.json", json={**ANA, "_ts": token})
    assert again.status_code == 201 and again.get_json()["status"] == "received"
    assert lead_count() == 1 and spam_count() == 0


def test_json_with_a_used_token_is_received_without_a_second_lead(client, contact_form):
    token = client.get("/f/contact/token").get_json()["token"]
    first = client.post("/f/contact.json", json={**ANA, "_ts": token})
    again = client.post("/f/contact.json", json={**ANA, "_ts": token})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert lead_count() == 1
    assert db.session.scalar(select(func.count(UsedToken.id))) == 1


def test_json_replay_with_the_same_key_returns_the_first_answer(client, contact_form):
    headers = {"Idempotency-Key": "visit-1"}
    first = client.post("/f/contact.json", json=ANA, headers=headers)
    again = client.post("/f/contact.json", json=ANA, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert lead_count() == 1


def test_json_same_key_with_other_fields_is_refused_in_plain_words(client, contact_form):
    client.post("/f/contact.json", json=ANA, headers={"Idempotency-Key": "k"})
    response = client.post("/f/contact.json", json={**ANA, "name": "Rui"},
                           headers={"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert "different request" in response.get_json()["error"]["message"]
    assert lead_count() == 1


@pytest.fixture
def server(app) -> Iterator[str]:
    live, stop = start_live_server(app)
    yield live.url
    stop()


def test_one_filled_page_posted_twice_at_once_makes_one_lead(server, contact_form):
    with urlopen(f"{server}/f/contact") as page:
        token = re.search(r'name="_ts" value="([^"]+)"', page.read().decode()).group(1)
    body = urlencode({**ANA, "_ts": token, "hp_website": ""}).encode()

    def send() -> int:
        return post(server, "/f/contact", body,
                    {"Content-Type": "application/x-www-form-urlencoded"})[0]

    assert at_once(2, send) == [303, 303]
    assert lead_count() == 1


def test_two_json_posts_at_once_with_one_key_make_one_lead(server, contact_form):
    answers = at_once(2, lambda: post_json(server, "/f/contact.json", ANA,
                                           {"Idempotency-Key": "race"}))
    assert [status for status, _body in answers] == [201, 201]
    assert json.loads(answers[0][1]) == json.loads(answers[1][1])
    assert lead_count() == 1
