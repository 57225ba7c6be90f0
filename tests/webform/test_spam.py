"""Honeypot, fill-time trap and CAPTCHA hook; spam is kept for review, never thrown away."""

from __future__ import annotations

import re
import time

import pytest
from kanban_webform.models import Submission
from markupsafe import Markup
from sqlalchemy import select

from kanban import hookimpl
from kanban.extensions import db
from kanban.models import Lead
from tests.webform.factories import WebFormFactory
from tests.webform.helpers import hosted_token, post_form

ANA = {"name": "Ana Silva", "email": "ana@example.com", "message": "Quote please"}


def leads() -> list[Lead]:
    return list(db.session.scalars(select(Lead)))


def spam() -> list[Submission]:
    return list(db.session.scalars(select(Submission).where(Submission.status == "spam")))


def test_filled_honeypot_is_kept_as_spam_and_creates_no_lead(client, contact_form):
    response = post_form(client, {**ANA, "hp_website": "http://spam.example"})
    assert response.status_code == 303  # the robot is told nothing
    assert leads() == []
    [kept] = spam()
    assert kept.spam_reason == "honeypot" and kept.values["email"] == "ana@example.com"


def test_hosted_form_posted_without_its_honeypot_field_is_kept_as_spam(client, contact_form):
    token = hosted_token(client)
    response = client.post("/f/contact", data={**ANA, "_ts": token})
    assert response.status_code == 303  # the robot is told nothing
    assert leads() == [] and [s.spam_reason for s in spam()] == ["no honeypot"]


def test_hosted_form_posted_with_its_honeypot_field_empty_is_a_lead(client, contact_form):
    token = hosted_token(client)
    client.post("/f/contact", data={**ANA, "_ts": token, "hp_website": ""})
    assert len(leads()) == 1 and spam() == []


def test_json_without_a_honeypot_field_is_a_lead(client, contact_form):
    assert client.post("/f/contact.json", json=ANA).status_code == 201
    assert len(leads()) == 1 and spam() == []


def test_honeypot_in_json_is_kept_as_spam(client, contact_form):
    response = client.post("/f/contact.json", json={**ANA, "hp_website": "x"})
    assert response.status_code == 201
    assert leads() == [] and [s.spam_reason for s in spam()] == ["honeypot"]


def test_form_sent_faster_than_a_person_can_is_kept_as_spam(client, contact_form, app):
    app.config["WEBFORM_MIN_FILL_SECONDS"] = 60
    response = post_form(client, ANA)
    assert response.status_code == 303
    assert leads() == [] and [s.spam_reason for s in spam()] == ["filled too fast"]


def test_form_sent_after_the_minimum_fill_time_is_a_lead(client, contact_form, app):
    app.config["WEBFORM_MIN_FILL_SECONDS"] = 1
    token = hosted_token(client)
    time.sleep(1.1)
    post_form(client, ANA, token=token)
    assert len(leads()) == 1 and spam() == []


def test_form_without_a_fill_time_token_is_kept_as_spam(client, contact_form):
    client.post("/f/contact", data=ANA)
    assert leads() == [] and [s.spam_reason for s in spam()] == ["no fill-time token"]


SHOP = "https://shop.example"


def test_form_pasted_into_an_allowed_site_sent_without_its_token_is_a_lead(client, pipeline):
    """Its script could not fetch the token (the app was restarting): still a person's."""
    WebFormFactory(slug="shop", stage=pipeline.stages[0], allowed_origins=[SHOP])
    response = client.post("/f/shop", data={**ANA, "_ts": "", "hp_website": ""},
                           headers={"Origin": SHOP})
    assert response.status_code == 303
    assert len(leads()) == 1 and spam() == []


def test_two_forms_sent_without_their_tokens_from_an_allowed_site_make_two_leads(client,
                                                                                  pipeline):
    WebFormFactory(slug="shop", stage=pipeline.stages[0], allowed_origins=[SHOP])
    for email in ("ana@example.com", "rui@example.com"):
        client.post("/f/shop", data={**ANA, "email": email, "_ts": "", "hp_website": ""},
                    headers={"Origin": SHOP})
    assert len(leads()) == 2


def test_form_from_an_allowed_site_without_its_token_and_the_hidden_field_filled_is_spam(
        client, pipeline):
    WebFormFactory(slug="shop", stage=pipeline.stages[0], allowed_origins=[SHOP])
    client.post("/f/shop", data={**ANA, "_ts": "", "hp_website": "http://spam.example"},
                headers={"Origin": SHOP})
    assert leads() == [] and [s.spam_reason for s in spam()] == ["honeypot"]


def test_form_from_an_allowed_site_without_its_token_nor_its_hidden_field_is_spam(client,
                                                                                   pipeline):
    WebFormFactory(slug="shop", stage=pipeline.stages[0], allowed_origins=[SHOP])
    client.post("/f/shop", data={**ANA, "_ts": ""}, headers={"Origin": SHOP})
    assert leads() == [] and [s.spam_reason for s in spam()] == ["no fill-time token"]


def test_form_from_an_allowed_site_with_a_token_too_young_is_spam(client, pipeline, app):
    app.config["WEBFORM_MIN_FILL_SECONDS"] = 60
    WebFormFactory(slug="shop", stage=pipeline.stages[0], allowed_origins=[SHOP])
    token = client.get("/f/shop/token", headers={"Origin": SHOP}).get_json()["token"]
    client.post("/f/shop", data={**ANA, "_ts": token, "hp_website": ""},
                headers={"Origin": SHOP})
    assert leads() == [] and [s.spam_reason for s in spam()] == ["filled too fast"]


def test_hosted_page_sent_without_its_token_is_kept_as_spam(client, contact_form):
    """The app's own page always carries its token."""
    client.post("/f/contact", data={**ANA, "_ts": "", "hp_website": ""})
    assert leads() == [] and [s.spam_reason for s in spam()] == ["no fill-time token"]


def test_forged_fill_time_token_is_kept_as_spam(client, contact_form):
    post_form(client, ANA, token="eyJmb3JnZWQiOjF9.forged.signature")
    assert leads() == [] and [s.spam_reason for s in spam()] == ["forged fill-time token"]


def test_token_of_another_form_is_kept_as_spam(client, contact_form, pipeline):
    WebFormFactory(slug="other", stage=pipeline.stages[0])
    post_form(client, ANA, token=hosted_token(client, "other"))
    assert leads() == [] and [s.spam_reason for s in spam()] == ["token of another form"]


def test_expired_token_shows_the_form_again_with_input_kept(client, contact_form, app):
    token = hosted_token(client)
    app.config["WEBFORM_TOKEN_MAX_AGE"] = -1
    response = post_form(client, ANA, token=token)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "open for a long time" in html and 'value="Ana Silva"' in html
    assert leads() == [] and spam() == []


def test_a_form_shown_again_after_its_token_expired_may_be_sent_at_once(client, contact_form,
                                                                       app):
    token = hosted_token(client)
    app.config["WEBFORM_TOKEN_MAX_AGE"] = -1
    again = post_form(client, ANA, token=token).get_data(as_text=True)
    app.config.update(WEBFORM_TOKEN_MAX_AGE=3600, WEBFORM_MIN_FILL_SECONDS=60)
    fresh = re.search(r'name="_ts" value="([^"]+)"', again).group(1)

    assert post_form(client, ANA, token=fresh).status_code == 303

    assert len(leads()) == 1 and spam() == []


# ---------------------------------------------------------------------------
# CAPTCHA plugins
# ---------------------------------------------------------------------------


class PickyCaptcha:
    """A CAPTCHA plugin that accepts only the answer "human"."""

    @hookimpl
    def kanban_webform_captcha_html(self, form):
        return Markup('<div class="test-captcha" data-form="{}"></div>').format(form.slug)

    @hookimpl
    def kanban_webform_verify_captcha(self, form, request):
        answer = (request.get_json(silent=True) or {}) if request.is_json else request.form
        if answer.get("captcha") != "human":
            return "Confirm that you are not a robot."
        return None


@pytest.fixture
def captcha(register_plugin):
    return register_plugin(PickyCaptcha())


def test_captcha_widget_is_shown_in_the_hosted_form(client, contact_form, captcha):
    html = client.get("/f/contact").get_data(as_text=True)
    assert '<div class="test-captcha" data-form="contact"></div>' in html


def test_failed_captcha_shows_its_message_and_keeps_the_submission_as_spam(
    client, contact_form, captcha
):
    response = post_form(client, {**ANA, "captcha": "robot"})
    assert response.status_code == 422
    assert "Confirm that you are not a robot." in response.get_data(as_text=True)
    assert leads() == [] and [s.spam_reason for s in spam()] == ["captcha"]


def test_passed_captcha_creates_the_lead(client, contact_form, captcha):
    assert post_form(client, {**ANA, "captcha": "human"}).status_code == 303
    assert len(leads()) == 1


def test_failed_captcha_in_json_is_422(client, contact_form, captcha):
    response = client.post("/f/contact.json", json=ANA)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "captcha"


# ---------------------------------------------------------------------------
# Reviewing spam
# ---------------------------------------------------------------------------


def caught(client) -> Submission:
    post_form(client, {**ANA, "hp_website": "x"})
    return spam()[0]


def test_admin_sees_the_spam_list_escaped(client, admin_client, contact_form):
    post_form(client, {**ANA, "name": "<b>Bot</b>", "hp_website": "x"})
    html = admin_client.get("/webforms/spam").get_data(as_text=True)
    assert "&lt;b&gt;Bot&lt;/b&gt;" in html and "the hidden field was filled in" in html


def test_the_spam_list_names_each_field_by_its_label_and_skips_empty_ones(
        client, admin_client, contact_form):
    post_form(client, {**ANA, "hp_website": "x"})
    html = admin_client.get("/webforms/spam", headers={"Accept-Language": "es"}).text
    assert "<strong>Nombre:</strong> Ana Silva" in html
    assert "<strong>name:</strong>" not in html
    assert "<strong>Teléfono:</strong>" not in html  # sent empty


def test_the_spam_list_says_why_in_the_readers_language(client, admin_client, contact_form):
    post_form(client, {**ANA, "hp_website": "x"})
    html = admin_client.get("/webforms/spam", headers={"Accept-Language": "es"}).text
    assert "<td>se rellenó el campo oculto</td>" in html


def test_admin_turns_spam_into_a_lead(client, admin_client, contact_form):
    kept = caught(client)
    response = admin_client.post(f"/webforms/spam/{kept.id}/lead")
    assert response.status_code == 302
    [lead] = leads()
    assert lead.title == "Ana Silva" and lead.source == "web form: Contact"
    db.session.expire_all()
    assert db.session.get(Submission, kept.id).status == "lead"
    assert spam() == []


def test_spam_let_in_goes_to_the_owner_the_forms_rule_names(client, admin_client, pipeline,
                                                            member):
    WebFormFactory(name="Contact", slug="contact", stage=pipeline.stages[0],
                   owner_rule="fixed", owner=member)
    kept = caught(client)
    admin_client.post(f"/webforms/spam/{kept.id}/lead")
    [lead] = leads()
    assert lead.owner_id == member.id  # not the admin who let it in


def test_spam_let_in_with_no_rule_waits_for_an_owner(client, admin_client, contact_form):
    kept = caught(client)
    admin_client.post(f"/webforms/spam/{kept.id}/lead")
    [lead] = leads()
    assert lead.owner_id is None


def test_spam_from_a_person_already_on_an_open_lead_goes_on_that_lead(client, admin_client,
                                                                      contact_form):
    post_form(client, ANA)
    [lead] = leads()
    kept = caught(client)

    response = admin_client.post(f"/webforms/spam/{kept.id}/lead", follow_redirects=True)

    assert leads() == [lead]
    assert f"Added to lead #{lead.id}" in response.text
    db.session.expire_all()
    assert (db.session.get(Submission, kept.id).status, db.session.get(Submission, kept.id)
            .lead_id) == ("duplicate", lead.id)
    assert "Quote please" in " ".join(entry.body for entry in lead.activities)


def test_admin_deletes_spam(client, admin_client, contact_form):
    kept = caught(client)
    assert admin_client.post(f"/webforms/spam/{kept.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, kept.id) is None and leads() == []


def test_member_may_not_review_spam(client, member_client, contact_form):
    kept = caught(client)
    assert member_client.get("/webforms/spam").status_code == 403
    assert member_client.post(f"/webforms/spam/{kept.id}/lead").status_code == 403
    assert leads() == []


def test_spam_waiting_for_review_is_announced_on_managers_agendas(
    client, contact_form, manager_client, member_client
):
    post_form(client, {**ANA, "hp_website": "http://spam.example"})
    post_form(client, {**ANA, "hp_website": "http://spam.example/2"})
    html = manager_client.get("/agenda").text
    assert "2 web-form submissions are held as spam" in html
    assert 'href="/webforms/spam"' in html
    assert "held as spam" not in member_client.get("/agenda").text


def test_no_spam_means_no_line_on_the_agenda(contact_form, manager_client):
    assert "held as spam" not in manager_client.get("/agenda").text
