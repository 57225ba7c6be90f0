"""Behind a reverse proxy: the forwarded headers are believed only when the operator says so."""

from __future__ import annotations

import pytest
from flask import request, url_for
from sqlalchemy import select

from kanban.app import create_app, proxy_hops
from kanban.auth import public
from kanban.extensions import db
from kanban.models import Lead
from tests.factories import PASSWORD, UserFactory
from tests.webform.factories import WebFormFactory
from tests.webform.helpers import post_form

PROXIED = {
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "crm.example.com",
    "X-Forwarded-Port": "443",
}
PROXY_ADDRESS = {"REMOTE_ADDR": "127.0.0.1"}  # nginx on the same machine


def make_app(app_config, **settings):
    application = create_app({**app_config, "PLUGINS": ["webform"],
                              "WEBFORM_MIN_FILL_SECONDS": 0, **settings})

    @application.get("/_where")
    @public
    def where():
        return {"address": request.remote_addr, "scheme": request.scheme,
                "host": request.host, "link": url_for("auth.login", _external=True)}

    return application


@pytest.fixture
def proxied_app(app_config):
    application = make_app(app_config, PROXY_FIX_HOPS=1)
    with application.app_context():
        db.create_all()
        yield application


@pytest.fixture
def direct_app(app_config):
    application = make_app(app_config)
    with application.app_context():
        db.create_all()
        yield application


def test_behind_one_proxy_the_visitor_scheme_and_host_are_the_forwarded_ones(proxied_app):
    answer = proxied_app.test_client().get("/_where", headers=PROXIED,
                                           environ_base=PROXY_ADDRESS).get_json()
    assert answer == {"address": "203.0.113.9", "scheme": "https", "host": "crm.example.com",
                      "link": "https://crm.example.com/login"}


def test_without_the_setting_forwarded_headers_are_ignored(direct_app):
    answer = direct_app.test_client().get("/_where", headers=PROXIED,
                                          environ_base=PROXY_ADDRESS).get_json()
    assert answer == {"address": "127.0.0.1", "scheme": "http", "host": "localhost",
                      "link": "http://localhost/login"}


def test_only_as_many_hops_as_configured_are_believed(proxied_app):
    spoofed = {**PROXIED, "X-Forwarded-For": "198.51.100.66, 203.0.113.9"}
    answer = proxied_app.test_client().get("/_where", headers=spoofed,
                                           environ_base=PROXY_ADDRESS).get_json()
    assert answer["address"] == "203.0.113.9"  # the address nginx saw, not the visitor's claim


def test_hosted_form_served_over_https_accepts_its_own_submission(proxied_app, pipeline):
    WebFormFactory(name="Contact", slug="contact", stage=pipeline.stages[0])
    client = proxied_app.test_client()
    client.environ_base.update(PROXY_ADDRESS)
    headers = {**PROXIED, "Origin": "https://crm.example.com"}
    response = post_form(client, {"name": "Ana", "email": "ana@example.com"}, headers=headers)
    assert response.status_code == 303
    assert [lead.email for lead in db.session.scalars(select(Lead))] == ["ana@example.com"]


def test_hosted_form_refuses_an_https_origin_when_the_app_is_not_told_of_the_proxy(
    direct_app, pipeline
):
    WebFormFactory(name="Contact", slug="contact", stage=pipeline.stages[0])
    headers = {**PROXIED, "Origin": "https://crm.example.com"}
    response = post_form(direct_app.test_client(), {"name": "Ana", "email": "ana@example.com"},
                         headers=headers)
    assert response.status_code == 403


def test_embed_code_links_to_the_public_https_address(proxied_app, pipeline, admin):
    from tests.conftest import log_in

    form = WebFormFactory(name="Contact", slug="contact", stage=pipeline.stages[0])
    client = log_in(proxied_app.test_client(), admin)
    html = client.get(f"/webforms/{form.id}", headers=PROXIED,
                      environ_base=PROXY_ADDRESS).get_data(as_text=True)
    assert "https://crm.example.com/f/contact" in html
    assert "http://localhost" not in html


@pytest.fixture
def throttled_proxied_app(app_config):
    application = make_app(app_config, PROXY_FIX_HOPS=1, RATELIMIT_ENABLED=True,
                           LOGIN_LIMITS_PER_IP="3 per minute",
                           LOGIN_LIMITS_PER_ACCOUNT="100 per minute")
    with application.app_context():
        db.create_all()
        yield application


def login_from(client, visitor: str, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password},
                       headers={**PROXIED, "X-Forwarded-For": visitor},
                       environ_base=PROXY_ADDRESS)


def test_login_limit_keys_on_the_real_visitor_not_the_proxy(throttled_proxied_app):
    user = UserFactory()
    client = throttled_proxied_app.test_client()
    for n in range(4):
        login_from(client, "198.51.100.7", f"guess{n}@example.com", "nope")
    assert login_from(client, "198.51.100.7", user.email, PASSWORD).status_code == 429
    assert login_from(client, "203.0.113.20", user.email, PASSWORD).status_code == 302


@pytest.mark.parametrize("value", [0, 1, 2, "2"])
def test_proxy_hops_reads_whole_numbers(value):
    assert proxy_hops(value) == int(value)


@pytest.mark.parametrize("value", [-1, "one", 1.5, True])
def test_proxy_hops_refuses_anything_else_in_plain_words(value):
    with pytest.raises(ValueError, match="number of proxies"):
        proxy_hops(value)
