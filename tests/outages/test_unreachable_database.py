"""A database that refuses connections: every page and API says so with 503 and Retry-After."""

from __future__ import annotations

import logging

from tests.api.conftest import assert_error
from tests.conftest import log_in
from tests.factories import UserFactory

UNAVAILABLE = "The database is not answering just now, so nothing was saved."


def logged_in_client(app):
    """A browser whose session names a person; loading them needs the database."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:1"  # "<id>:<session version>"
        session["_fresh"] = True
    return client


def assert_unavailable_page(response) -> str:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert UNAVAILABLE in html
    return html


def test_a_page_answers_503_with_retry_after(unreachable_app):
    assert_unavailable_page(logged_in_client(unreachable_app).get("/agenda"))


def test_a_form_sent_answers_503_with_retry_after(unreachable_app):
    response = logged_in_client(unreachable_app).post("/leads/new", data={"title": "A"})
    assert_unavailable_page(response)


def test_a_form_sent_offers_to_go_back_to_what_was_typed_first(unreachable_app):
    response = logged_in_client(unreachable_app).post(
        "/leads/new", data={"title": "Printer fleet"},
        headers={"Referer": "http://localhost/leads/new"})

    html = assert_unavailable_page(response)
    assert html.index("Go back to what you typed") < html.index("Back to the board")
    assert 'href="/leads/new" data-history-fallback' in html


def test_the_error_page_speaks_the_browsers_language_when_the_person_cannot_be_loaded(
    unreachable_app,
):
    response = logged_in_client(unreachable_app).get(
        "/agenda", headers={"Accept-Language": "pt-PT,pt;q=0.9"}
    )
    assert response.status_code == 503
    assert '<html lang="pt">' in response.get_data(as_text=True)


def test_the_login_page_answers_503_when_checking_the_password(unreachable_app):
    response = unreachable_app.test_client().post(
        "/login", data={"email": "ana@example.com", "password": "secret-password"}
    )
    assert_unavailable_page(response)


def test_a_visitor_not_logged_in_is_led_back_to_the_login_page(unreachable_app):
    response = unreachable_app.test_client().post(
        "/login", data={"email": "ana@example.com", "password": "secret-password"}
    )
    html = assert_unavailable_page(response)
    assert "Back to the login page" in html
    assert "Back to the board" not in html


def test_the_api_answers_503_in_its_json_shape(unreachable_app):
    response = logged_in_client(unreachable_app).get("/api/v1/leads")
    error = assert_error(response, 503, "unavailable")
    assert UNAVAILABLE in error["message"]
    assert response.headers["Retry-After"] == "5"


def test_an_api_write_with_a_token_answers_503_in_its_json_shape(unreachable_app):
    response = unreachable_app.test_client().post(
        "/api/v1/leads", json={"title": "A"}, headers={"Authorization": "Bearer kbn_anything"}
    )
    assert_error(response, 503, "unavailable")
    assert response.headers["Retry-After"] == "5"


def test_the_hosted_form_page_answers_503_when_the_form_cannot_be_looked_up(unreachable_app):
    response = unreachable_app.test_client().get("/f/contact")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "This form cannot be shown just now." in response.text


def test_the_hosted_form_answers_503_when_sent(unreachable_app):
    response = unreachable_app.test_client().post(
        "/f/contact", data={"name": "Ana", "email": "ana@example.com"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Send it again in a few seconds" in response.get_data(as_text=True)


def test_the_hosted_form_sent_while_unreachable_gives_the_visitor_their_words_back(
    unreachable_app
):
    response = unreachable_app.test_client().post("/f/contact", data={
        "name": "Ana", "email": "ana@example.com", "message": "Please call me back",
        "_ts": "token", "hp_website": ""})
    assert response.status_code == 503
    typed = response.text.split("<textarea", 1)[1]
    assert "Please call me back" in typed and "ana@example.com" in typed
    assert "token" not in typed


def test_a_form_read_before_the_database_fell_comes_back_filled_in(unreachable_app):
    from kanban_webform.models import WebForm

    read_earlier = WebForm(id=1, name="Contact", slug="contact", enabled=True, language="en",
                           fields=[{"key": "name", "label": "Name", "required": True},
                                   {"key": "message", "label": "Message", "required": False}])
    unreachable_app.extensions["kanban_webform_forms"] = {"contact": (None, read_earlier)}
    response = unreachable_app.test_client().post("/f/contact", data={
        "name": "Ana", "message": "Please call me back", "hp_website": ""})
    assert response.status_code == 503
    assert 'value="Ana"' in response.text and "Please call me back</textarea>" in response.text


def test_the_forms_json_address_answers_503_in_its_json_shape(unreachable_app):
    response = unreachable_app.test_client().post(
        "/f/contact.json", json={"name": "Ana", "email": "ana@example.com"},
        headers={"Origin": "https://www.example.com"},
    )
    assert_error(response, 503, "unavailable")
    assert response.headers["Retry-After"] == "5"


def test_the_operator_is_told_which_request_failed_and_why(unreachable_app, caplog):
    with caplog.at_level(logging.ERROR, logger="kanban.error_pages"):
        logged_in_client(unreachable_app).get("/agenda")
    [record] = [r for r in caplog.records if r.name == "kanban.error_pages"]
    assert "GET /agenda" in record.getMessage()


def test_a_request_that_needs_no_database_is_still_served(unreachable_app):
    assert unreachable_app.test_client().get("/login").status_code == 200


def test_a_reachable_database_serves_the_same_page(app, member):
    assert log_in(app.test_client(), member).get("/agenda").status_code == 200


def test_a_reachable_database_still_checks_the_password(app):
    UserFactory(email="ana@example.com")
    response = app.test_client().post(
        "/login", data={"email": "ana@example.com", "password": "wrong"}
    )
    assert response.status_code == 401
