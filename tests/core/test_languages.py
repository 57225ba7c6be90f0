"""Choosing the language: the profile, the login page's choice, the team's, the browser's."""

from __future__ import annotations

import pytest

from kanban.app import create_app
from kanban.extensions import db
from kanban.i18n import LANGUAGE_COOKIE
from tests.conftest import log_in
from tests.factories import UserFactory

OWN_NAMES = {
    "en": "English", "pt": "Português", "it": "Italiano", "es": "Español", "ru": "Русский",
}
ENGLISH_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.fixture
def team_in_portuguese(app_config):
    application = create_app({**app_config, "LANGUAGE": "pt"})
    with application.app_context():
        db.create_all()
        yield application


def test_the_login_page_offers_every_language_in_its_own_name(client):
    page = client.get("/login").text
    for code, name in OWN_NAMES.items():
        assert f'lang="{code}" hreflang="{code}"' in page
        assert f">{name}</a>" in page


def test_a_language_chosen_on_the_login_page_is_kept_for_the_next_pages(client):
    response = client.get("/language/pt", query_string={"next": "/login"},
                          headers=ENGLISH_BROWSER)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert f"{LANGUAGE_COOKIE}=pt" in response.headers["Set-Cookie"]
    assert "Iniciar sessão no Kanban" in client.get("/login", headers=ENGLISH_BROWSER).text


def test_an_unknown_language_is_404_and_keeps_the_choice_unchanged(client):
    response = client.get("/language/xx")
    assert response.status_code == 404
    assert LANGUAGE_COOKIE not in str(response.headers.getlist("Set-Cookie"))


def test_choosing_a_language_never_sends_the_person_off_site(client):
    response = client.get("/language/pt", query_string={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/login"


def test_without_a_team_language_the_browser_decides(client):
    assert "Log in to Kanban" in client.get("/login", headers=ENGLISH_BROWSER).text


def test_the_teams_language_wins_over_the_browser(team_in_portuguese):
    page = team_in_portuguese.test_client().get("/login", headers=ENGLISH_BROWSER).text
    assert "Iniciar sessão no Kanban" in page


def test_the_profile_wins_over_the_teams_language(team_in_portuguese):
    client = log_in(team_in_portuguese.test_client(), UserFactory(locale="en"))
    assert "Your profile" in client.get("/profile", headers=ENGLISH_BROWSER).text


def test_the_profile_offers_every_language_in_its_own_name(member_client):
    page = member_client.get("/profile").text
    for code, name in OWN_NAMES.items():
        assert f'<option value="{code}">{name}</option>' in page


def test_with_a_team_language_the_profile_offers_it_where_nothing_is_chosen(
        team_in_portuguese):
    client = log_in(team_in_portuguese.test_client(), UserFactory(locale=None))
    page = client.get("/profile", headers={"Accept-Language": "es-ES"}).text
    assert '<option selected value="">O idioma da equipa (Português)</option>' in page


def test_without_a_team_language_the_profile_offers_the_browsers(member_client):
    page = member_client.get("/profile", headers=ENGLISH_BROWSER).text
    assert '<option selected value="">Browser language</option>' in page


def test_a_team_language_the_app_does_not_speak_stops_it_in_plain_words(app_config):
    with pytest.raises(ValueError, match="KANBAN_LANGUAGE must be one of en, pt, it, es, ru"):
        create_app({**app_config, "LANGUAGE": "de"})
