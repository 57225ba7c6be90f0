"""The JSON endpoint for developers and CORS for the form's allowed websites."""

from __future__ import annotations

import pytest
from kanban_webform.models import Submission
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from kanban.extensions import db
from kanban.models import Lead
from tests.webform.factories import WebFormFactory

ANA = {"name": "Ana Silva", "email": "ana@example.com", "message": "Quote please"}
BAKERY = "https://bakery.example"


@pytest.fixture
def quote_form(pipeline):
    return WebFormFactory(name="Quote", slug="quote", stage=pipeline.stages[1],
                          allowed_origins=[BAKERY])


def leads() -> list[Lead]:
    return list(db.session.scalars(select(Lead)))


def test_json_submission_creates_a_lead(client, quote_form, pipeline):
    response = client.post("/f/quote.json", json=ANA)
    assert response.status_code == 201
    assert response.get_json()["status"] == "received"
    [lead] = leads()
    assert (lead.title, lead.source, lead.stage_id) == ("Ana Silva", "web form: Quote",
                                                        pipeline.stages[1].id)


def test_json_with_missing_and_invalid_fields_is_422_naming_them(client, quote_form):
    response = client.post("/f/quote.json", json={"email": "not-an-email"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and error["message"]
    assert set(error["fields"]) == {"name", "email"}
    assert leads() == []


def test_json_field_that_is_not_text_is_422(client, quote_form):
    response = client.post("/f/quote.json", json={**ANA, "name": {"first": "Ana"}})
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]


def test_form_encoded_body_to_the_json_endpoint_is_415(client, quote_form):
    response = client.post("/f/quote.json", data=ANA)
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_json_that_is_not_an_object_is_400(client, quote_form):
    response = client.post("/f/quote.json", data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_json"


def test_json_to_an_unknown_form_is_404_json(client, quote_form):
    response = client.post("/f/nope.json", json=ANA)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_json_to_a_disabled_form_is_404(client, pipeline):
    WebFormFactory(slug="off", stage=pipeline.stages[0], enabled=False)
    assert client.post("/f/off.json", json=ANA).status_code == 404


def test_preflight_from_an_allowed_origin_is_answered(client, quote_form):
    response = client.options("/f/quote.json", headers={
        "Origin": BAKERY, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == BAKERY
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def switch_off(form) -> None:
    form.enabled = False
    db.session.commit()


def test_preflight_of_a_switched_off_form_from_an_allowed_origin_is_answered(client,
                                                                             quote_form):
    switch_off(quote_form)
    response = client.options("/f/quote.json", headers={
        "Origin": BAKERY, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == BAKERY
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_an_allowed_site_reads_that_the_form_is_switched_off(client, quote_form):
    switch_off(quote_form)
    response = client.post("/f/quote.json", json=ANA, headers={"Origin": BAKERY})
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == BAKERY
    assert response.get_json()["error"]["message"] == (
        "This form does not exist or is switched off.")
    assert leads() == []


def test_preflight_of_a_switched_off_form_from_another_origin_is_refused(client, quote_form):
    switch_off(quote_form)
    response = client.options("/f/quote.json", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflight_of_an_unknown_form_is_404_without_cors_headers(client, quote_form):
    response = client.options("/f/nope.json", headers={
        "Origin": BAKERY, "Access-Control-Request-Method": "POST"})
    assert response.status_code == 404
    assert "Access-Control-Allow-Origin" not in response.headers


def test_an_allowed_site_may_send_an_idempotency_key_and_read_that_it_was_replayed(
        client, quote_form):
    preflight = client.options("/f/quote.json", headers={
        "Origin": BAKERY, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, idempotency-key"})
    assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]
    sent = {"Origin": BAKERY, "Idempotency-Key": "visit-1"}
    client.post("/f/quote.json", json=ANA, headers=sent)
    again = client.post("/f/quote.json", json=ANA, headers=sent)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Access-Control-Allow-Origin"] == BAKERY
    assert again.headers["Access-Control-Expose-Headers"] == "Idempotent-Replayed"


def test_preflight_from_another_origin_is_refused_without_cors_headers(client, quote_form):
    response = client.options("/f/quote.json", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


def test_post_from_an_allowed_origin_may_be_read_by_that_site(client, quote_form):
    response = client.post("/f/quote.json", json=ANA, headers={"Origin": BAKERY})
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == BAKERY
    assert "Origin" in response.headers["Vary"]


def test_post_from_another_origin_is_refused_and_stores_nothing(client, quote_form):
    response = client.post("/f/quote.json", json=ANA, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert leads() == []


def test_validation_errors_are_readable_by_the_allowed_site(client, quote_form):
    response = client.post("/f/quote.json", json={}, headers={"Origin": BAKERY})
    assert response.status_code == 422
    assert response.headers["Access-Control-Allow-Origin"] == BAKERY


def test_token_for_the_snippet_is_readable_only_by_allowed_origins(client, quote_form):
    allowed = client.get("/f/quote/token", headers={"Origin": BAKERY})
    other = client.get("/f/quote/token", headers={"Origin": "https://evil.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == BAKERY
    assert allowed.get_json()["token"]
    assert "Access-Control-Allow-Origin" not in other.headers


def test_json_endpoint_needs_no_csrf_token(app, client, quote_form):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/f/quote.json", json=ANA).status_code == 201


def test_hosted_page_needs_no_csrf_token(app, client, quote_form):
    from tests.webform.helpers import post_form

    app.config["WTF_CSRF_ENABLED"] = True
    assert post_form(client, ANA, slug="quote").status_code == 303


def test_body_over_the_size_limit_is_413(app, client, quote_form):
    app.config["WEBFORM_MAX_BODY_BYTES"] = 1000
    response = client.post("/f/quote.json", json={**ANA, "message": "x" * 2000})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert leads() == []


def test_hosted_page_body_over_the_size_limit_is_413(app, client, quote_form):
    app.config["WEBFORM_MAX_BODY_BYTES"] = 1000
    response = client.post("/f/quote", data={**ANA, "message": "x" * 2000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_a_new_lead_and_its_submission_are_one_transaction(client, quote_form):
    commits = []

    def count(connection):
        commits.append(1)

    event.listen(Engine, "commit", count)
    try:
        assert client.post("/f/quote.json", json=ANA).status_code == 201
    finally:
        event.remove(Engine, "commit", count)
    [lead] = leads()
    submission = db.session.scalars(select(Submission)).one()
    assert submission.lead_id == lead.id and submission.status == "lead"
    assert len(commits) == 1


def test_a_form_changed_between_two_submissions_is_used_as_changed(client, quote_form,
                                                                     pipeline):
    client.post("/f/quote.json", json=ANA)
    quote_form.stage = pipeline.stages[2]
    db.session.commit()

    client.post("/f/quote.json", json={**ANA, "email": "rui@example.com", "name": "Rui"})

    stages = {lead.title: lead.stage_id for lead in leads()}
    assert stages == {"Ana Silva": pipeline.stages[1].id, "Rui": pipeline.stages[2].id}


def test_a_form_turned_off_after_a_submission_takes_no_more(client, quote_form):
    client.post("/f/quote.json", json=ANA)
    quote_form.enabled = False
    db.session.commit()

    response = client.post("/f/quote.json", json={**ANA, "email": "rui@example.com"})

    assert response.status_code == 404
    assert len(leads()) == 1


@pytest.fixture
def database_gone(monkeypatch):
    """From now on the form cannot be read: the database is out of reach."""
    import kanban_webform.views.public as public
    from sqlalchemy.exc import OperationalError

    def unreachable(slug):
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    return lambda: monkeypatch.setattr(public, "find_form", unreachable)


def test_with_the_database_gone_an_allowed_site_still_reads_the_503(client, quote_form,
                                                                    database_gone):
    client.post("/f/quote.json", json=ANA, headers={"Origin": BAKERY})  # the form, read
    database_gone()
    preflight = client.options("/f/quote.json", headers={
        "Origin": BAKERY, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    response = client.post("/f/quote.json", json=ANA, headers={"Origin": BAKERY})

    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == BAKERY
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    assert response.headers["Access-Control-Allow-Origin"] == BAKERY


def test_with_the_database_gone_another_site_is_still_refused(client, quote_form,
                                                              database_gone):
    client.post("/f/quote.json", json=ANA, headers={"Origin": BAKERY})
    database_gone()
    headers = {"Origin": "https://evil.example"}
    preflight = client.options("/f/quote.json", headers={
        **headers, "Access-Control-Request-Method": "POST"})
    response = client.post("/f/quote.json", json=ANA, headers=headers)

    assert preflight.status_code == 403
    assert response.status_code == 503
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_form_never_read_before_the_database_went_answers_503(client, quote_form,
                                                                 database_gone):
    database_gone()
    response = client.options("/f/quote.json", headers={
        "Origin": BAKERY, "Access-Control-Request-Method": "POST"})
    assert response.status_code == 503
