"""The app mounted under a URL prefix (/crm): every link, redirect and board URL keeps it."""

from __future__ import annotations

import re

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from kanban.app import create_app
from kanban.extensions import db
from tests.conftest import log_in
from tests.factories import PASSWORD, LeadFactory, PipelineFactory, UserFactory

UNDER_CRM = {"SCRIPT_NAME": "/crm"}


@pytest.fixture
def mounted(app):
    """The app served at /crm by a WSGI dispatcher, as a prefix-stripping proxy does."""
    app.wsgi_app = DispatcherMiddleware(Response("not here", 404), {"/crm": app.wsgi_app})
    return app


def board_urls(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-(totals|cards|move|close)-url="([^"]+)"', page))


def test_the_board_gets_its_urls_from_the_server_with_the_prefix(mounted, member):
    PipelineFactory(stages=["New", "Won over"])
    page = log_in(mounted.test_client(), member).get("/crm/board").text
    assert board_urls(page) == {
        "totals": "/crm/board/totals",
        "cards": "/crm/board/stages/999999999/cards",
        "move": "/crm/api/v1/leads/999999999/move",
        "close": "/crm/api/v1/leads/999999999/close",
    }
    assert 'href="/crm/agenda"' in page
    assert 'src="/crm/static/js/board.js' in page


def test_a_card_and_its_column_link_to_their_pages_under_the_prefix(mounted, member):
    pipeline = PipelineFactory(stages=["New", "Won over"])
    lead = LeadFactory(stage=pipeline.stages[0], owner=member, title="Padaria")
    page = log_in(mounted.test_client(), member).get("/crm/board").text
    assert f'<a class="card-title" href="/crm/leads/{lead.id}">Padaria</a>' in page
    assert f'href="/crm/leads/new?stage_id={pipeline.stages[1].id}"' in page
    assert 'href="/leads/' not in page


def test_the_cards_a_column_loads_later_link_under_the_prefix(mounted, member):
    pipeline = PipelineFactory(stages=["New"])
    lead = LeadFactory(stage=pipeline.stages[0], owner=member, title="Padaria")
    cards = log_in(mounted.test_client(), member).get(
        f"/crm/board/stages/{pipeline.stages[0].id}/cards").text
    assert f'href="/crm/leads/{lead.id}"' in cards


def test_an_agenda_rows_links_and_forms_keep_the_prefix(mounted, member):
    pipeline = PipelineFactory(stages=["New"])
    lead = LeadFactory(stage=pipeline.stages[0], owner=None, title="Padaria")
    page = log_in(mounted.test_client(), member).get("/crm/agenda").text
    for address in (f'href="/crm/leads/{lead.id}"', f'action="/crm/leads/{lead.id}/star"',
                    f'data-touch-url="/crm/leads/{lead.id}/notes"',
                    f'action="/crm/leads/{lead.id}/take"'):
        assert address in page
    assert 'href="/leads/' not in page and 'action="/leads/' not in page


def test_the_boards_script_has_no_address_of_its_own():
    from kanban.app import PROJECT_ROOT

    script = (PROJECT_ROOT / "static" / "js" / "board.js").read_text()
    assert not re.search(r"[\"']/(board|api)/", script)


def test_a_visitor_is_sent_to_login_and_back_under_the_prefix(mounted):
    user = UserFactory(email="ana@team.pt")
    client = mounted.test_client()

    to_login = client.get("/crm/agenda")
    assert to_login.status_code == 302
    assert to_login.headers["Location"] == "/crm/login?next=/crm/agenda"

    back = client.post("/crm/login?next=/crm/agenda",
                       data={"email": user.email, "password": PASSWORD})
    assert back.status_code == 302 and back.headers["Location"] == "/crm/agenda"


def test_the_login_cookies_are_kept_to_the_prefix(mounted):
    user = UserFactory(email="ana@team.pt")
    logged_in = mounted.test_client().post(
        "/crm/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookies = logged_in.headers.getlist("Set-Cookie")
    assert {cookie.split("=", 1)[0] for cookie in cookies} >= {"session", "remember_token"}
    assert all("; Path=/crm" in cookie and "Path=/;" not in cookie for cookie in cookies)


def test_the_language_cookie_is_kept_to_the_prefix(mounted):
    chosen = mounted.test_client().get("/crm/language/pt?next=/crm/login")
    [cookie] = chosen.headers.getlist("Set-Cookie")
    assert cookie.startswith("kanban_language=pt;") and "; Path=/crm" in cookie


def test_without_a_prefix_the_cookies_are_for_the_whole_site(app):
    user = UserFactory(email="ana@team.pt")
    logged_in = app.test_client().post("/login", data={"email": user.email,
                                                       "password": PASSWORD})
    [cookie] = logged_in.headers.getlist("Set-Cookie")
    assert "; Path=/" in cookie


def test_the_login_pages_language_links_come_back_under_the_prefix(mounted):
    page = mounted.test_client().get("/crm/login").text
    assert 'href="/crm/language/pt?next=/crm/login"' in page


def test_a_proxy_names_the_prefix_with_x_forwarded_prefix(app_config):
    application = create_app({**app_config, "PROXY_FIX_HOPS": 1})
    with application.app_context():
        db.create_all()
    page = application.test_client().get(
        "/login", headers={"X-Forwarded-Prefix": "/crm"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"}).text
    assert 'action="/crm/login' in page or 'href="/crm/static/' in page
    assert 'href="/crm/static/' in page


def test_a_prefix_named_by_the_proxy_keeps_the_cookies_to_it(app_config):
    application = create_app({**app_config, "PROXY_FIX_HOPS": 1})
    with application.app_context():
        db.create_all()
        user = UserFactory(email="ana@team.pt")
        logged_in = application.test_client().post(
            "/login", data={"email": user.email, "password": PASSWORD},
            headers={"X-Forwarded-Prefix": "/crm"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    [cookie] = logged_in.headers.getlist("Set-Cookie")
    assert cookie.startswith("session=") and "; Path=/crm" in cookie


def test_without_proxy_settings_the_prefix_header_is_ignored(app):
    page = app.test_client().get("/login", headers={"X-Forwarded-Prefix": "/crm"}).text
    assert "/crm/" not in page


def test_the_api_document_names_the_api_under_the_prefix(mounted):
    document = mounted.test_client().get("/crm/api/v1/openapi.json").get_json()
    assert document["servers"][0]["url"] == "/crm/api/v1"
