"""In real Chromium: a visitor sends the form (hosted, or pasted into another website)
and the team sees the card; scripts typed into a form stay text."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from kanban_webform.embed import iframe_html, snippet_html
from kanban_webform.models import Submission
from playwright.sync_api import expect
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from tests.live import log_in
from tests.webform.factories import WebFormFactory

pytestmark = pytest.mark.browser
XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>Mallory"


@pytest.fixture
def app_config(app_config):
    """CSRF stays on, as in production (the public form must not need it); no time trap."""
    return {**app_config, "WTF_CSRF_ENABLED": True, "WEBFORM_MIN_FILL_SECONDS": 0}


def fill_and_send(scope, name: str, email: str, message: str) -> None:
    scope.get_by_label("Name").fill(name)
    scope.get_by_label("Email").fill(email)
    scope.get_by_label("Message").fill(message)
    scope.get_by_role("button", name="Send").click()


def stored_lead(title: str) -> Lead:
    db.session.expire_all()
    return db.session.scalars(select(Lead).where(Lead.title == title)).one()


def test_visitor_sends_the_hosted_form_and_the_team_sees_the_card(page, contact_form, admin):
    page.goto("/f/contact")
    fill_and_send(page, "Joana Ferreira", "joana@example.com", "Three printers, please")
    page.wait_for_url("**/f/contact/thanks")
    assert page.get_by_text("Thank you!").is_visible()
    lead = stored_lead("Joana Ferreira")
    log_in(page, admin.email)
    page.goto("/board")
    assert page.get_by_text("Joana Ferreira").first.is_visible()
    page.goto(f"/leads/{lead.id}")
    assert page.get_by_text("Joana Ferreira").first.is_visible()
    assert page.get_by_text("Three printers, please").first.is_visible()


def test_script_in_a_name_shows_as_text_on_the_board_and_the_lead_page(page, contact_form, admin):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/f/contact")
    fill_and_send(page, XSS, "mallory@example.com", XSS)
    page.wait_for_url("**/f/contact/thanks")
    lead = stored_lead(XSS)
    log_in(page, admin.email)
    for path in ("/board", f"/leads/{lead.id}"):
        page.goto(path)
        page.wait_for_load_state("load")
        assert page.get_by_text(XSS).first.is_visible()
        assert page.locator("img[src='x']").count() == 0
        assert page.evaluate("() => typeof window.alert") == "function"
    assert dialogs == []


def test_a_form_switched_off_while_the_visitor_types_gives_back_what_they_typed(
    page, contact_form
):
    page.goto("/f/contact")
    contact_form.enabled = False  # an admin switches it off meanwhile
    db.session.commit()

    fill_and_send(page, "Joana Ferreira", "joana@example.com", "Three printers,\nplease")

    expect(page.get_by_role("status")).to_contain_text("This form has been switched off")
    typed = page.get_by_label("What you wrote:")
    expect(typed).to_have_value(
        "Name: Joana Ferreira\nEmail: joana@example.com\nMessage: Three printers,\nplease")
    expect(typed).not_to_be_editable()
    assert db.session.scalars(select(Lead)).all() == []


class _Site(BaseHTTPRequestHandler):
    html = ""

    def do_GET(self):  # noqa: N802  (http.server's name)
        body = self.html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def customer_site() -> Iterator:
    """A plain website on another loopback origin; set ``.html`` to what it serves."""
    handler = type("CustomerSite", (_Site,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_port}"
    yield handler
    server.shutdown()
    thread.join(timeout=5)


def customer_page(body: str) -> str:
    return ("<!doctype html><html lang='pt'><head><meta charset='utf-8'>"
            f"<title>Padaria Lisboa</title></head><body><h1>Contacte-nos</h1>{body}</body></html>")


def test_snippet_pasted_into_another_website_creates_the_lead(
    app, page, live_server, customer_site, pipeline, admin
):
    form = WebFormFactory(name="Padaria site", slug="padaria", stage=pipeline.stages[0],
                          allowed_origins=[customer_site.url])
    with app.test_request_context():
        customer_site.html = customer_page(snippet_html(form, live_server.url))
    page.goto(customer_site.url + "/contact.html")
    page.wait_for_function("() => document.querySelector('input[name=_ts]').value !== ''")
    fill_and_send(page, "Luís Padeiro", "luis@padaria.example", "Bolo de aniversário")
    page.wait_for_url(f"{live_server.url}/f/padaria/thanks")
    lead = stored_lead("Luís Padeiro")
    assert lead.source == "web form: Padaria site"
    submission = db.session.scalars(select(Submission)).one()
    assert submission.meta["via"] == "snippet"
    assert submission.meta["page_url"] == customer_site.url + "/contact.html"
    log_in(page, admin.email)
    page.goto("/board")
    assert page.get_by_text("Luís Padeiro").first.is_visible()


def test_snippet_whose_token_could_not_be_fetched_asks_again_when_the_visitor_fills_it(
    app, page, live_server, customer_site, pipeline
):
    form = WebFormFactory(name="Padaria site", slug="padaria", stage=pipeline.stages[0],
                          allowed_origins=[customer_site.url])
    with app.test_request_context():
        customer_site.html = customer_page(snippet_html(form, live_server.url))
    app.config["WEBFORM_MIN_FILL_SECONDS"] = 1
    failed = []
    page.route("**/f/padaria/token", lambda route: (
        failed.append(route.request.url), route.abort()) if not failed else route.continue_())
    page.goto(customer_site.url + "/contact.html")
    page.wait_for_function("() => document.readyState === 'complete'")
    assert failed and page.input_value("input[name=_ts]") == ""
    page.get_by_label("Name").fill("Luís Padeiro")
    page.wait_for_function("() => document.querySelector('input[name=_ts]').value !== ''")
    page.wait_for_timeout(1100)
    fill_and_send(page, "Luís Padeiro", "luis@padaria.example", "Bolo de aniversário")
    page.wait_for_url(f"{live_server.url}/f/padaria/thanks")
    assert stored_lead("Luís Padeiro").source == "web form: Padaria site"
    assert db.session.scalars(select(Submission)).one().status == "lead"


def test_snippet_sent_again_after_back_makes_one_lead_and_no_spam(
    app, page, live_server, customer_site, pipeline
):
    form = WebFormFactory(name="Padaria site", slug="padaria", stage=pipeline.stages[0],
                          allowed_origins=[customer_site.url])
    with app.test_request_context():
        customer_site.html = customer_page(snippet_html(form, live_server.url))
    app.config["WEBFORM_MIN_FILL_SECONDS"] = 2
    page.goto(customer_site.url + "/contact.html")
    page.wait_for_function("() => document.querySelector('input[name=_ts]').value !== ''")
    page.wait_for_timeout(2100)
    fill_and_send(page, "Luís Padeiro", "luis@padaria.example", "Bolo de aniversário")
    page.wait_for_url(f"{live_server.url}/f/padaria/thanks")
    page.go_back()
    assert page.get_by_label("Name").input_value() == "Luís Padeiro"
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{live_server.url}/f/padaria/thanks")
    db.session.expire_all()
    assert [s.status for s in db.session.scalars(select(Submission))] == ["lead"]


def test_frame_pasted_into_another_website_creates_the_lead(
    app, page, live_server, customer_site, pipeline
):
    form = WebFormFactory(name="Padaria frame", slug="frame", stage=pipeline.stages[0],
                          allowed_origins=[customer_site.url])
    with app.test_request_context():
        customer_site.html = customer_page(iframe_html(form, live_server.url))
    page.goto(customer_site.url + "/")
    frame = page.frame_locator("iframe")
    fill_and_send(frame, "Rosa Framed", "rosa@padaria.example", "Pão para o café")
    frame.get_by_text("Thank you!").wait_for()
    assert stored_lead("Rosa Framed").source == "web form: Padaria frame"


def test_a_framed_form_grows_to_its_height_so_that_a_phone_reaches_send(
    app, page, live_server, customer_site, pipeline
):
    fields = [{"key": key, "label": key.title(), "required": False, "custom": True}
              for key in ("budget", "city", "how_did_you_hear", "guests", "date", "venue",
                          "menu", "allergies", "time", "parking")]
    form = WebFormFactory(name="Padaria frame", slug="frame", stage=pipeline.stages[0],
                          allowed_origins=[customer_site.url],
                          fields=[{"key": "name", "label": "Name", "required": True,
                                   "custom": False}, *fields])
    with app.test_request_context():
        customer_site.html = customer_page(iframe_html(form, live_server.url))
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(customer_site.url + "/")
    inner = page.frame_locator("iframe").locator("html")
    inner.wait_for()
    page.wait_for_function(
        "() => document.querySelector('iframe').getBoundingClientRect().height > 700")
    height = page.locator("iframe").bounding_box()["height"]
    assert height >= inner.evaluate("(html) => html.scrollHeight")


def test_admin_creates_a_form_pastes_its_snippet_elsewhere_and_sees_the_lead(
    page, live_server, customer_site, pipeline, admin
):
    log_in(page, admin.email)
    page.get_by_role("link", name="Web forms").click()
    page.get_by_role("link", name="New form").click()
    page.fill("#name", "Orçamentos")
    page.fill("#slug", "orcamentos")
    page.select_option("#stage_id", label="Sales → Contacted")
    page.fill("#allowed_origins", customer_site.url)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/webforms/*")
    customer_site.html = customer_page(page.input_value("#embed-snippet"))

    visitor = page.context.browser.new_context()
    try:
        site = visitor.new_page()
        site.goto(customer_site.url + "/orcamento.html")
        site.wait_for_function("() => document.querySelector('input[name=_ts]').value !== ''")
        fill_and_send(site, "Beatriz Snippet", "beatriz@example.com", "Orçamento para 3 lojas")
        site.wait_for_url(f"{live_server.url}/f/orcamentos/thanks")
    finally:
        visitor.close()

    page.goto("/board")
    assert page.get_by_text("Beatriz Snippet").first.is_visible()
    lead = stored_lead("Beatriz Snippet")
    assert (lead.stage.name, lead.source) == ("Contacted", "web form: Orçamentos")


def test_the_address_field_checks_its_pattern_without_a_console_error(page, admin, pipeline):
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    log_in(page, admin.email)
    page.goto("/webforms/new")
    slug = page.locator("#slug")
    slug.fill("contact-us")
    assert slug.evaluate("el => el.checkValidity()")
    slug.fill("Contact us")
    assert not slug.evaluate("el => el.checkValidity()")
    assert not [text for text in errors if "pattern" in text.lower()]
