"""Login, throttling, CSRF, API tokens, security headers and languages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kanban.app import create_app
from kanban.auth.tokens import create_token, revoke_token
from kanban.extensions import db
from kanban.models import ApiToken
from kanban.services.users import deactivate_user, reactivate_user
from tests.conftest import log_in
from tests.factories import PASSWORD, LeadFactory, UserFactory


def login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_right_password_logs_in_and_opens_todays_agenda(client, member):
    response = login(client, member.email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/agenda")


def test_wrong_password_is_refused_in_plain_words(client, member):
    response = login(client, member.email, "wrong password")
    assert response.status_code == 401
    assert "Wrong email or password." in response.text
    assert client.get("/board").status_code == 302


def test_a_login_form_sent_after_it_expired_is_shown_again_with_the_email_kept(app, client,
                                                                                member):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"email": member.email, "password": PASSWORD,
                                           "csrf_token": "expired"})
    assert response.status_code == 400
    assert "The page had expired. Log in again." in response.text
    assert f'value="{member.email}"' in response.text
    assert PASSWORD not in response.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.text)[1]
    again = client.post("/login", data={"email": member.email, "password": PASSWORD,
                                        "csrf_token": token})
    assert again.status_code == 302


def test_the_login_page_says_who_to_ask_for_a_forgotten_password(client):
    assert "Forgot your password? Ask your admin." in client.get("/login").text


def test_the_login_page_says_who_to_ask_in_the_chosen_language(client):
    text = client.get("/login", headers={"Accept-Language": "pt-PT"}).text
    assert "Esqueceu-se da palavra-passe? Peça ao seu administrador." in text


def test_deactivated_person_cannot_log_in(client, app):
    user = UserFactory(active=False)
    assert login(client, user.email).status_code == 401


def test_login_goes_back_to_the_page_asked_for_but_never_offsite(client, member):
    assert client.post("/login?next=/profile", data={
        "email": member.email, "password": PASSWORD}).headers["Location"] == "/profile"
    client.post("/logout")
    response = client.post("/login?next=//evil.example/x", data={
        "email": member.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/agenda")


@pytest.mark.parametrize("target", [
    "/\\evil.example", "/%5Cevil.example", "/%09/evil.example", "/%0A/evil.example",
    "/profile%0D%0ASet-Cookie:%20x=1", "/profile%00", "/profile%7F", "/profile%C2%85",
])
def test_login_never_goes_to_a_next_page_with_control_characters(client, member, target):
    response = client.post(f"/login?next={target}", data={
        "email": member.email, "password": PASSWORD})
    assert response.headers["Location"] == "/agenda"


def test_logout_ends_the_session(member_client):
    member_client.post("/logout")
    assert member_client.get("/board").status_code == 302


def test_api_without_login_answers_401_json(client, pipeline):
    response = client.get("/api/v1/leads")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_the_boards_request_after_the_session_ended_says_to_log_in_again(client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = client.post(f"/api/v1/leads/{lead.id}/move", json={"stage_id": 1},
                           headers={"Sec-Fetch-Site": "same-origin", "Accept-Language": "it"})
    assert response.status_code == 401
    message = response.json["error"]["message"]
    assert "Ricarica la pagina" in message and "token" not in message


def test_a_form_sent_after_the_session_ended_comes_back_to_its_page_after_login(
        client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    page = f"http://localhost/leads/{lead.id}"
    sent = client.post(f"/leads/{lead.id}/notes", data={"body": "Called"},
                       headers={"Referer": page})
    assert sent.status_code == 302
    assert "next=/leads/" in sent.headers["Location"] and "notes" not in sent.headers["Location"]
    assert "what you sent was not saved" in client.get(sent.headers["Location"]).text
    logged_in = client.post(sent.headers["Location"],
                            data={"email": member.email, "password": PASSWORD})
    assert logged_in.headers["Location"].endswith(f"/leads/{lead.id}")
    assert client.get(f"/leads/{lead.id}").status_code == 200


def test_the_login_page_after_a_refused_form_brings_back_what_the_browser_kept(
        client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    sent = client.post(f"/leads/{lead.id}/notes", data={"body": "Called"},
                       headers={"Referer": f"http://localhost/leads/{lead.id}"})

    login_page = client.get(sent.headers["Location"]).text

    assert re.search(r"<div class=\"unsent\" data-unsent data-refused hidden>", login_page)
    assert "it is back in its form" in login_page


def test_a_login_page_opened_without_a_refused_form_brings_nothing_back(client, member):
    login_page = client.get("/login?next=/board").text

    assert "data-unsent" in login_page and "data-refused" not in login_page


def test_the_login_page_marks_a_refused_form_once(client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    sent = client.post(f"/leads/{lead.id}/notes", data={"body": "Called"})

    first, again = (client.get(sent.headers["Location"]).text for _ in range(2))

    assert "data-refused" in first and "data-refused" not in again


def test_a_form_sent_after_the_session_ended_from_another_site_goes_home_after_login(
        client, pipeline):
    sent = client.post("/leads/new", data={"title": "X"},
                       headers={"Referer": "https://evil.example/leads/1"})
    assert sent.headers["Location"] == "/login?next=/"


@pytest.fixture
def throttled_app(app_config):
    application = create_app({**app_config, "RATELIMIT_ENABLED": True,
                              "LOGIN_LIMITS_PER_ACCOUNT": "3 per minute",
                              "LOGIN_LIMITS_PER_IP": "5 per minute"})
    with application.app_context():
        db.create_all()
        yield application


def test_repeated_wrong_passwords_for_one_account_are_throttled(throttled_app):
    user = UserFactory()
    client = throttled_app.test_client()
    for _ in range(3):
        assert login(client, user.email, "nope").status_code == 401
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Wait a minute" in response.text or "Too many" in response.text


def test_a_visitor_throttled_at_login_is_led_back_to_the_login_page(throttled_app):
    user = UserFactory()
    client = throttled_app.test_client()
    for _ in range(3):
        login(client, user.email, "nope")
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert 'href="/login"' in response.text
    assert "Back to the login page" in response.text
    assert "Back to the board" not in response.text


def test_throttling_one_account_leaves_others_alone(throttled_app):
    victim, colleague = UserFactory(), UserFactory()
    attacker = throttled_app.test_client()
    for _ in range(3):
        login(attacker, victim.email, "nope")
    other_ip = throttled_app.test_client()
    other_ip.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    assert login(other_ip, colleague.email).status_code == 302


def test_a_stranger_failing_logins_for_an_account_does_not_lock_its_owner_out(throttled_app):
    admin = UserFactory(role="admin")
    stranger = throttled_app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for _ in range(3):
        assert login(stranger, admin.email, "nope").status_code == 401
    assert login(stranger, admin.email, PASSWORD).status_code == 429
    owner = throttled_app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.4"
    assert login(owner, admin.email, PASSWORD).status_code == 302


def test_the_account_limit_counts_the_email_however_it_is_written(throttled_app):
    user = UserFactory()
    client = throttled_app.test_client()
    for email in (user.email, user.email.upper(), f"  {user.email} "):
        login(client, email, "nope")
    assert login(client, user.email, PASSWORD).status_code == 429


def test_one_address_guessing_many_accounts_is_throttled(throttled_app):
    client = throttled_app.test_client()
    for n in range(5):
        login(client, f"guess{n}@example.com", "nope")
    assert login(client, "guess-last@example.com", "nope").status_code == 429


@pytest.fixture
def csrf_app(app_config):
    application = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with application.app_context():
        db.create_all()
        yield application


def test_browser_post_without_csrf_token_is_refused(csrf_app):
    user = UserFactory()
    stage_lead = LeadFactory()
    client = log_in(csrf_app.test_client(), user)
    response = client.post(f"/api/v1/leads/{stage_lead.id}/notes", json={"body": "hi"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf"


def test_login_form_without_csrf_token_is_refused(csrf_app):
    user = UserFactory()
    response = csrf_app.test_client().post("/login", data={"email": user.email,
                                                           "password": PASSWORD})
    assert response.status_code == 400


def test_browser_post_with_the_pages_csrf_token_is_accepted(csrf_app):
    user = UserFactory()
    lead = LeadFactory()
    client = log_in(csrf_app.test_client(), user)
    page = client.get("/profile").text
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    response = client.post(f"/api/v1/leads/{lead.id}/notes", json={"body": "hi"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_bearer_token_works_without_csrf(csrf_app):
    user = UserFactory()
    lead = LeadFactory()
    _token, secret = create_token(user, "script")
    response = csrf_app.test_client().post(
        f"/api/v1/leads/{lead.id}/notes", json={"body": "hi"},
        headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201


def test_token_is_stored_only_as_a_hash(app, member):
    token, secret = create_token(member, "CI")
    stored = db.session.scalars(select(ApiToken)).one()
    assert secret not in (stored.token_hash, stored.prefix)
    assert stored.id == token.id


def test_revoked_token_no_longer_works(client, member, pipeline):
    token, secret = create_token(member, "old laptop")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/leads", headers=headers).status_code == 200
    revoke_token(token)
    response = client.get("/api/v1/leads", headers=headers)
    assert response.status_code == 401
    assert "revoked" in response.json["error"]["message"]


def test_token_of_a_deactivated_person_no_longer_works(client, member, pipeline):
    _token, secret = create_token(member, "x")
    member.active = False
    db.session.commit()
    assert client.get("/api/v1/leads", headers={"Authorization": f"Bearer {secret}"}
                      ).status_code == 401


def test_a_token_stays_revoked_when_its_person_comes_back(client, admin, member, pipeline):
    _token, secret = create_token(member, "x")
    deactivate_user(member, user=admin)

    reactivate_user(member, user=admin)

    assert client.get("/api/v1/leads", headers={"Authorization": f"Bearer {secret}"}
                      ).status_code == 401


def test_profile_shows_a_new_token_once_and_can_revoke_it(member_client, member):
    page = member_client.post("/profile/tokens", data={"name": "Zapier"}).text
    secret = page.split('<code id="new-token">', 1)[1].split("<", 1)[0]
    assert secret.startswith("kbn_") and len(secret) > 40
    assert secret not in member_client.get("/profile").text
    token = db.session.scalars(select(ApiToken)).one()
    member_client.post(f"/profile/tokens/{token.id}/revoke")
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).is_revoked


def test_nobody_revokes_someone_elses_token(member_client, manager):
    token, _secret = create_token(manager, "theirs")
    assert member_client.post(f"/profile/tokens/{token.id}/revoke").status_code == 404
    db.session.expire_all()
    assert not db.session.get(ApiToken, token.id).is_revoked


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site(client, member):
    response = login(client, member.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_browser_language_chooses_portuguese(client):
    page = client.get("/login", headers={"Accept-Language": "pt-PT,pt;q=0.9"}).text
    assert 'lang="pt"' in page


def test_profile_language_wins_over_the_browser(client, app):
    user = UserFactory(locale="en")
    log_in(client, user)
    page = client.get("/profile", headers={"Accept-Language": "pt"}).text
    assert 'lang="en"' in page


def test_a_hunter_chooses_prospects_first_on_the_profile(member_client, member):
    page = member_client.get("/profile").text
    assert re.search(r'<input checked [^>]*value="clients"', page)

    member_client.post("/profile", data={"name": member.name, "locale": "",
                                         "first_on_agenda": "prospects"})

    db.session.refresh(member)
    assert member.prospects_first is True
    assert re.search(r'<input checked [^>]*value="prospects"', member_client.get("/profile").text)


def test_choosing_a_language_says_the_profile_is_saved_in_that_language(member_client,
                                                                      member):
    page = member_client.post("/profile", data={
        "name": member.name, "locale": "it", "first_on_agenda": "clients"},
        follow_redirects=True).text
    assert "Il tuo profilo è stato salvato." in page


def test_an_unknown_agenda_order_is_refused_and_nothing_changes(member_client, member):
    response = member_client.post("/profile", data={"name": "New name", "locale": "",
                                                    "first_on_agenda": "everyone"})

    assert response.status_code == 422
    assert re.search(r'id="first_on_agenda-error">Not a valid choice', response.text)
    db.session.refresh(member)
    assert (member.name, member.prospects_first) == ("Member Person", False)


def test_changing_the_password_needs_the_current_one(member_client, member):
    member_client.post("/profile/password", data={"current_password": "wrong",
                                                  "new_password": "a new long password"})
    db.session.refresh(member)
    assert member.check_password(PASSWORD)
    member_client.post("/profile/password", data={"current_password": PASSWORD,
                                                  "new_password": "a new long password"})
    db.session.refresh(member)
    assert member.check_password("a new long password")


def test_a_wrong_current_password_is_named_on_its_field(member_client, member):
    response = member_client.post("/profile/password", data={
        "current_password": "wrong", "new_password": "a new long password"})
    assert response.status_code == 422
    assert re.search(r'id="current_password-error"[^>]*>This is not your current password',
                     response.text)
    assert 'id="new_password-error"' not in response.text
    assert 'value="Member Person"' in response.text  # the profile as stored


def test_a_short_new_password_is_named_on_its_field_in_the_persons_language(app, member):
    member.locale = "es"
    db.session.commit()
    client = log_in(app.test_client(), member)
    response = client.post("/profile/password", data={
        "current_password": PASSWORD, "new_password": "short"})
    assert response.status_code == 422
    assert re.search(r'id="new_password-error"[^>]*>Usa de 8 a 200 caracteres', response.text)
    assert 'id="current_password-error"' not in response.text
    db.session.refresh(member)
    assert member.check_password(PASSWORD)


def test_pages_for_a_logged_in_person_are_not_kept_by_any_cache(member_client, pipeline):
    assert member_client.get("/profile").headers["Cache-Control"] == "no-store"
    assert member_client.get("/agenda").headers["Cache-Control"] == "no-store"


def test_json_answers_are_not_kept_by_any_cache(member_client, pipeline):
    assert member_client.get("/api/v1/leads").headers["Cache-Control"] == "no-store"


def test_an_api_refusal_is_not_kept_by_any_cache(client):
    assert client.get("/api/v1/leads").headers["Cache-Control"] == "no-store"


def test_the_login_page_and_static_files_may_be_cached(client):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert "no-store" not in icon.headers.get("Cache-Control", "")
