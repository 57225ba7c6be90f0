"""Sessions end when they should: a copied session or remember-me cookie stops working once
its owner logs out, logs out everywhere else, changes password, is deactivated or gets
another role."""

from __future__ import annotations

import pytest

from kanban.app import create_app
from kanban.auth import views as auth_views
from kanban.extensions import db
from kanban.services.users import change_role, deactivate_user
from tests.factories import PASSWORD, UserFactory


def logged_in_browser(app, user, *, remember: bool = False):
    browser = app.test_client()
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert browser.post("/login", data=data).status_code == 302
    return browser


def replay(app, browser, cookie_name: str = "session"):
    """Return a second browser holding only a copy of the first one's cookie."""
    copy = app.test_client()
    copy.set_cookie(cookie_name, browser.get_cookie(cookie_name).value)
    return copy


def is_logged_in(browser) -> bool:
    return browser.get("/profile").status_code == 200


def test_a_copied_session_cookie_works_like_the_original(app, member):
    thief = replay(app, logged_in_browser(app, member))
    assert is_logged_in(thief)


def test_log_out_everywhere_else_refuses_copied_cookies_and_keeps_this_browser(app, member):
    browser = logged_in_browser(app, member)
    thief = replay(app, browser)
    response = browser.post("/profile/sessions/end")
    assert "You are logged out on every other device." in browser.get(
        response.headers["Location"]).text
    assert is_logged_in(browser)
    assert not is_logged_in(thief)


def test_the_profile_offers_log_out_everywhere_else(app, member):
    page = logged_in_browser(app, member).get("/profile").text
    assert 'action="/profile/sessions/end"' in page
    assert "Log out everywhere else" in page


def test_logging_out_refuses_a_copy_of_the_session_cookie(app, member):
    browser = logged_in_browser(app, member)
    thief = replay(app, browser)
    browser.post("/logout")
    assert not is_logged_in(browser)
    assert not is_logged_in(thief)


def test_a_new_password_refuses_copied_cookies_and_keeps_this_browser(app, member):
    browser = logged_in_browser(app, member)
    thief = replay(app, browser)
    browser.post("/profile/password", data={"current_password": PASSWORD,
                                            "new_password": "a brand new secret"})
    assert is_logged_in(browser)
    assert not is_logged_in(thief)


def test_a_refused_password_change_ends_no_session(app, member):
    browser = logged_in_browser(app, member)
    thief = replay(app, browser)
    browser.post("/profile/password", data={"current_password": "not it",
                                            "new_password": "a brand new secret"})
    assert is_logged_in(thief)


def test_deactivation_refuses_the_persons_copied_cookie_after_reactivation_too(
    app, member, admin
):
    thief = replay(app, logged_in_browser(app, member))
    admin_browser = logged_in_browser(app, admin)
    admin_browser.post(f"/admin/team/{member.id}/deactivate")
    assert not is_logged_in(thief)
    admin_browser.post(f"/admin/team/{member.id}/reactivate")
    assert not is_logged_in(thief)


def test_a_new_role_refuses_the_persons_copied_cookie(app, member, admin):
    thief = replay(app, logged_in_browser(app, member))
    logged_in_browser(app, admin).post(f"/admin/team/{member.id}/role",
                                       data={"role": "manager"})
    assert not is_logged_in(thief)


def test_the_same_role_again_ends_no_session(app, member, admin):
    thief = replay(app, logged_in_browser(app, member))
    change_role(member, "member", user=admin)
    assert is_logged_in(thief)


def test_the_team_service_ends_sessions_on_deactivation(app, member, admin):
    thief = replay(app, logged_in_browser(app, member))
    deactivate_user(member, user=admin)
    db.session.commit()
    assert not is_logged_in(thief)


def test_a_copied_remember_me_cookie_works_until_the_owner_logs_out_everywhere_else(
    app, member
):
    browser = logged_in_browser(app, member, remember=True)
    thief = replay(app, browser, "remember_token")
    assert is_logged_in(thief)
    browser.post("/profile/sessions/end")
    assert is_logged_in(replay(app, browser, "remember_token")), "this browser's is renewed"
    assert not is_logged_in(replay(app, thief, "remember_token"))


def test_logging_out_refuses_an_old_remember_me_cookie(app, member):
    browser = logged_in_browser(app, member, remember=True)
    old_cookie = browser.get_cookie("remember_token").value
    browser.post("/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", old_cookie)
    assert not is_logged_in(thief)


@pytest.mark.parametrize("session_id", ["", "7", "7:", ":1", "x:1", "1:x", "１:1", "1:1:1",
                                        "99999999999:1"])
def test_a_session_naming_no_current_login_is_refused(app, member, session_id):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = session_id.replace("7", str(member.id))
    assert not is_logged_in(browser)


@pytest.fixture
def secure_app(app_config):
    application = create_app({**app_config, "SESSION_COOKIE_SECURE": True})
    with application.app_context():
        db.create_all()
        yield application


def set_cookie_header(response, name: str) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))


def test_the_remember_me_cookie_is_secure_when_the_session_cookie_is(secure_app):
    user = UserFactory()
    response = secure_app.test_client().post("/login", data={
        "email": user.email, "password": PASSWORD, "remember": "y"})
    header = set_cookie_header(response, "remember_token")
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_the_remember_me_cookie_is_not_secure_over_plain_http_by_default(app, member):
    response = app.test_client().post("/login", data={
        "email": member.email, "password": PASSWORD, "remember": "y"})
    header = set_cookie_header(response, "remember_token")
    assert "Secure" not in header
    assert "HttpOnly" in header


def test_a_remember_me_setting_of_its_own_wins(app_config):
    application = create_app({**app_config, "SESSION_COOKIE_SAMESITE": "Strict",
                              "REMEMBER_COOKIE_SAMESITE": "Lax"})
    assert application.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert application.config["SESSION_COOKIE_SAMESITE"] == "Strict"


def test_an_unknown_email_is_checked_against_a_password_hash_all_the_same(
    client, app, monkeypatch
):
    checked = []

    def check(hash_, password):
        checked.append(hash_)
        return False

    monkeypatch.setattr(auth_views, "check_password_hash", check)
    response = client.post("/login", data={"email": "nobody@example.com", "password": "x"})
    assert response.status_code == 401
    assert checked == [auth_views.DUMMY_PASSWORD_HASH]


def test_the_stand_in_hash_costs_what_a_real_password_hash_costs():
    from werkzeug.security import generate_password_hash

    method = generate_password_hash("anything").split("$")[0]
    assert auth_views.DUMMY_PASSWORD_HASH.split("$")[0] == method
