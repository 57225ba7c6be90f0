"""The hosted page /f/<slug>: works without JavaScript, keeps input on errors."""

from __future__ import annotations

import re
from urllib.parse import quote_from_bytes

import pytest
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.models.base import utcnow
from tests.factories import UserFactory
from tests.webform.factories import WebFormFactory
from tests.webform.helpers import hosted_token, post_form

ANA = {"name": "Ana Silva", "email": "ana@example.com", "company": "Padaria",
       "message": "Quote for 40 cakes", "budget": "500"}


def only_lead() -> Lead:
    return db.session.scalars(select(Lead)).one()


def test_hosted_page_shows_the_form_fields(client, contact_form):
    html = client.get("/f/contact").get_data(as_text=True)
    assert 'name="name"' in html and 'name="email"' in html and 'name="budget"' in html
    assert 'name="_ts"' in html and 'name="hp_website"' in html


def test_hosted_page_names_its_icon_so_no_browser_asks_for_a_missing_one(client, contact_form):
    html = client.get("/f/contact").get_data(as_text=True)
    assert '<link rel="icon" href="data:,">' in html
    assert client.get("/favicon.ico").status_code == 404  # what a browser would meet


def test_hosted_submission_creates_a_lead_in_the_forms_stage(client, contact_form, pipeline):
    response = post_form(client, ANA)
    assert response.status_code == 303
    lead = only_lead()
    assert lead.title == "Ana Silva · Padaria"
    assert (lead.contact_name, lead.email, lead.company) == ("Ana Silva", "ana@example.com",
                                                             "Padaria")
    assert lead.stage_id == pipeline.stages[0].id
    assert lead.source == "web form: Contact"
    assert lead.description == "Quote for 40 cakes"
    assert lead.custom_fields == {"Budget": "500"}
    assert lead.next_action_kind == "todo"


def test_submission_lands_in_the_chosen_pipeline_and_stage(client, pipeline):
    WebFormFactory(slug="quote", stage=pipeline.stages[2])
    post_form(client, ANA, slug="quote")
    assert only_lead().stage_id == pipeline.stages[2].id


def test_form_tags_are_added_to_the_lead(client, pipeline):
    WebFormFactory(slug="quote", stage=pipeline.stages[0], tags=["website", "quote"])
    post_form(client, ANA, slug="quote")
    assert sorted(only_lead().tags) == ["quote", "website"]


def test_fixed_owner_owns_the_new_lead(client, pipeline):
    owner = UserFactory()
    WebFormFactory(slug="quote", stage=pipeline.stages[0], owner_rule="fixed", owner=owner)
    post_form(client, ANA, slug="quote")
    assert only_lead().owner_id == owner.id


def test_after_sending_the_visitor_sees_the_thank_you_message(client, pipeline):
    WebFormFactory(slug="quote", stage=pipeline.stages[0],
                   thank_you_message="Obrigado! We answer within a day.")
    response = post_form(client, ANA, slug="quote", follow_redirects=True)
    assert response.status_code == 200
    assert "Obrigado! We answer within a day." in response.get_data(as_text=True)


def test_a_redirect_url_sends_the_visitor_to_the_customers_page(client, pipeline):
    WebFormFactory(slug="quote", stage=pipeline.stages[0],
                   redirect_url="https://bakery.example/thanks")
    response = post_form(client, ANA, slug="quote")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://bakery.example/thanks"


def test_timeline_holds_the_whole_submission_and_where_it_came_from(client, contact_form):
    before = utcnow()
    post_form(client, {**ANA, "_page": "https://bakery.example/contact",
                       "_referrer": "https://search.example/?q=cakes"},
              headers={"User-Agent": "Firefox/140"}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    entry = db.session.scalars(select(Activity)).one()
    assert "Quote for 40 cakes" in entry.body and "Budget: 500" in entry.body
    web_form = entry.payload["web_form"]
    assert entry.payload["source"] == "web form: Contact"
    assert web_form["fields"]["message"]["value"] == "Quote for 40 cakes"
    assert web_form["fields"]["budget"] == {"label": "Budget", "value": "500"}
    assert web_form["page_url"] == "https://bakery.example/contact"
    assert web_form["referrer"] == "https://search.example/?q=cakes"
    assert web_form["ip"] == "203.0.113.9"
    assert web_form["user_agent"] == "Firefox/140"
    assert web_form["submitted_at"] >= before.isoformat()


def test_lead_created_hook_fires_with_the_forms_source(client, contact_form, register_plugin):
    from kanban import hookimpl

    seen = []

    class Listener:
        @hookimpl
        def kanban_lead_created(self, lead, source, user):
            seen.append((lead.title, source, user))

    register_plugin(Listener())
    post_form(client, ANA)
    assert seen == [("Ana Silva · Padaria", "web form: Contact", None)]


def test_lead_created_hook_reaches_the_new_leads_stage_and_pipeline(
    client, contact_form, register_plugin
):
    from kanban import hookimpl

    seen = []

    class Listener:
        @hookimpl
        def kanban_lead_created(self, lead, source, user):
            seen.append((lead.stage.name, lead.stage.pipeline.name))

    register_plugin(Listener())
    expected = (contact_form.stage.name, contact_form.stage.pipeline.name)
    post_form(client, ANA)
    assert seen == [expected]


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def test_missing_required_field_shows_the_form_again_with_input_kept(client, contact_form):
    response = post_form(client, {**ANA, "email": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-field="email"' in html and "Fill in Email." in html
    assert 'value="Ana Silva"' in html and "Quote for 40 cakes" in html
    assert db.session.scalars(select(Lead)).all() == []


def test_the_new_leads_first_entry_keeps_the_submissions_lines(client, contact_form,
                                                              member_client):
    post_form(client, ANA)
    lead = db.session.scalars(select(Lead)).one()
    page = member_client.get(f"/leads/{lead.id}").text
    entry = page[page.index('<p class="entry-body">'):]
    assert re.match(r'<p class="entry-body">[^<]*Web form “Contact”:\nName: Ana Silva\n', entry)


def test_a_submission_on_the_timeline_reads_in_the_readers_language(client, pipeline,
                                                                      member, member_client):
    WebFormFactory(name="Contatti", slug="contatti", language="it", stage=pipeline.stages[0])
    post_form(client, ANA, slug="contatti")
    member.locale = "pt"
    db.session.commit()
    page = member_client.get(f"/leads/{only_lead().id}").text
    entry = page[page.index('<p class="entry-body">'):]
    assert re.match(r'<p class="entry-body">[^<]*Formulário web «Contatti»:\nNome: Ana Silva\n',
                    entry)
    assert "Budget: 500" in entry  # an extra field keeps the label the form gave it


def test_a_submission_on_an_open_lead_reads_in_the_readers_language(client, pipeline,
                                                                     member, member_client):
    WebFormFactory(name="Contatti", slug="contatti", language="it", stage=pipeline.stages[0])
    post_form(client, ANA, slug="contatti")
    post_form(client, {**ANA, "message": "Also 10 pies"}, slug="contatti")  # the same person
    member.locale = "es"
    db.session.commit()
    page = member_client.get(f"/leads/{only_lead().id}").text
    assert page.count("Formulario web «Contatti»:") == 2 and "Modulo web" not in page


def test_invalid_email_is_named_and_nothing_is_stored(client, contact_form):
    response = post_form(client, {**ANA, "email": "ana@"})
    assert response.status_code == 422
    assert "This is not an email address" in response.get_data(as_text=True)
    assert db.session.scalars(select(Lead)).all() == []


def test_invalid_phone_is_named(client, contact_form):
    response = post_form(client, {**ANA, "phone": "call me maybe"})
    assert response.status_code == 422
    assert 'data-field="phone"' in response.get_data(as_text=True)


def test_a_phone_without_digits_is_refused_as_every_lead_source_refuses_it(client, contact_form):
    response = post_form(client, {**ANA, "phone": "abc"})
    assert response.status_code == 422
    assert "A phone number needs digits." in response.get_data(as_text=True)
    assert db.session.scalars(select(Lead)).all() == []


@pytest.mark.parametrize("phone", ["+7-903-111-22-33 доб. 5", "+351 912 345 678 ext. 12",
                                   "02 1234567 int. 23"])
def test_a_phone_with_an_extension_is_taken(client, contact_form, phone):
    response = post_form(client, {**ANA, "phone": phone})
    assert response.status_code == 303
    assert db.session.scalars(select(Lead)).one().phone == phone


def test_resent_form_after_an_error_keeps_the_fill_time_token(client, contact_form, app):
    from tests.webform.helpers import hosted_token

    token = hosted_token(client)
    response = post_form(client, {**ANA, "email": ""}, token=token)
    assert f'name="_ts" value="{token}"' in response.get_data(as_text=True)


def test_unicode_names_are_kept_intact(client, contact_form):
    name = "João Müßig Жуков 李小龍"
    post_form(client, {**ANA, "name": name, "company": ""})
    lead = only_lead()
    assert lead.contact_name == name and lead.title == name


def test_a_long_message_is_kept_intact(client, contact_form):
    message = ("Linha com acentuação e ß. " * 700)[:18_000].strip() + "\nFim."
    post_form(client, {**ANA, "message": message})
    assert only_lead().description == message


def test_a_message_over_the_limit_is_refused_by_name(client, contact_form):
    response = post_form(client, {**ANA, "message": "x" * 20_001})
    assert response.status_code == 422
    assert 'data-field="message"' in response.get_data(as_text=True)


def test_unknown_form_is_404(client, contact_form):
    assert client.get("/f/nope").status_code == 404
    assert post_form(client, ANA, slug="nope", token="x").status_code == 404


def test_disabled_form_is_404(client, pipeline):
    WebFormFactory(slug="old", stage=pipeline.stages[0], enabled=False)
    assert client.get("/f/old").status_code == 404
    assert client.post("/f/old", data=ANA).status_code == 404
    assert db.session.scalars(select(Lead)).all() == []


def test_a_switched_off_form_says_so_in_its_own_language(client, pipeline):
    WebFormFactory(slug="staryj", stage=pipeline.stages[0], enabled=False, language="ru")
    response = client.get("/f/staryj", headers={"Accept-Language": "es"})
    assert response.status_code == 404
    assert "Эта форма не существует или выключена." in response.text


def switch_off(form) -> None:
    form.enabled = False
    db.session.commit()


def test_a_form_switched_off_while_the_visitor_typed_gives_back_what_they_wrote(
        client, contact_form):
    token = hosted_token(client)  # the page opened while the form was on
    switch_off(contact_form)

    response = post_form(client, ANA, token=token)

    assert response.status_code == 404
    assert "This form has been switched off, so your message was not sent." in response.text
    typed = re.search(r'<textarea id="typed" readonly[^>]*>(.*?)</textarea>', response.text,
                      re.S).group(1)
    assert typed.splitlines() == [  # to copy, each field named as on the form
        "Name: Ana Silva", "Email: ana@example.com", "Company: Padaria",
        "Message: Quote for 40 cakes", "Budget: 500"]
    assert db.session.scalars(select(Lead)).all() == []


def test_what_a_visitor_wrote_comes_back_in_the_forms_language(client, pipeline):
    form = WebFormFactory(slug="zayavka", stage=pipeline.stages[0], language="ru")
    token = hosted_token(client, "zayavka")
    switch_off(form)

    response = post_form(client, {"name": "Ирина", "email": "irina@example.ru"}, slug="zayavka",
                         token=token, headers={"Accept-Language": "es"})

    assert "Эта форма выключена, поэтому ваше сообщение не отправлено." in response.text
    assert "Что вы написали:" in response.text
    assert "Имя: Ирина\nEmail: irina@example.ru</textarea>" in response.text


def test_what_comes_back_is_text_and_leaves_out_the_forms_own_fields(client, contact_form):
    token = hosted_token(client)
    switch_off(contact_form)

    response = post_form(client, {"name": '<b onclick="x()">Ana</b>', "email": "a@b.pt"},
                         token=token)

    assert "Name: &lt;b onclick=&#34;x()&#34;&gt;Ana&lt;/b&gt;" in response.text
    assert token not in response.text.split('id="typed"')[1]  # the page's token is no typing
    assert "hp_website" not in response.text


def test_json_posted_to_the_hosted_page_is_415(client, contact_form):
    response = client.post("/f/contact", json=ANA)
    assert response.status_code == 415
    assert db.session.scalars(select(Lead)).all() == []


def test_form_posted_from_a_site_that_is_not_allowed_is_403(client, contact_form):
    response = post_form(client, ANA, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert db.session.scalars(select(Lead)).all() == []


def test_form_posted_from_an_allowed_site_is_stored(client, pipeline):
    WebFormFactory(slug="quote", stage=pipeline.stages[0],
                   allowed_origins=["https://bakery.example"])
    response = post_form(client, ANA, slug="quote", headers={"Origin": "https://bakery.example"})
    assert response.status_code == 303
    assert only_lead().title == "Ana Silva · Padaria"


def test_hosted_page_may_be_framed_only_by_allowed_origins(client, pipeline):
    WebFormFactory(slug="quote", stage=pipeline.stages[0],
                   allowed_origins=["https://bakery.example", "http://localhost:8080"])
    policy = client.get("/f/quote?embed=1").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://bakery.example http://localhost:8080;" in policy


def test_hosted_page_without_allowed_origins_may_be_framed_only_by_the_app(client, contact_form):
    policy = client.get("/f/contact").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self';" in policy


# ---------------------------------------------------------------------------
# Scripts and HTML are text
# ---------------------------------------------------------------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_in_fields_is_stored_as_text(client, contact_form):
    post_form(client, {**ANA, "name": XSS, "company": "", "message": XSS})
    lead = only_lead()
    assert lead.contact_name == XSS and lead.description == XSS


def test_html_in_a_name_is_escaped_on_the_board(client, contact_form, admin_client):
    post_form(client, {**ANA, "name": XSS, "company": ""})
    html = admin_client.get("/board").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert(" not in html and "<img src=x" not in html


def test_html_in_fields_is_escaped_when_the_form_is_shown_again(client, contact_form):
    response = post_form(client, {**ANA, "name": XSS, "email": "bad", "message": XSS})
    html = response.get_data(as_text=True)
    assert "<script>alert(" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_html_in_fields_is_escaped_on_the_lead_page(client, contact_form, admin_client):
    post_form(client, {**ANA, "name": XSS, "company": "", "message": XSS})
    html = admin_client.get(f"/leads/{only_lead().id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in html
    assert "<script>alert(" not in html and "<img src=x" not in html


def test_form_posted_by_a_browser_that_hides_its_origin_is_stored(client, contact_form):
    response = post_form(client, ANA, headers={"Origin": "null"})
    assert response.status_code == 303
    assert only_lead().title == "Ana Silva · Padaria"


def post_in_code_page(client, **fields: str):
    """Send the hosted form as a site's own page in Windows-1252 does."""
    fields = {"_ts": hosted_token(client, "contact"), "hp_website": "", **fields}
    body = "&".join(f"{key}={quote_from_bytes(value.encode('cp1252'))}"
                    for key, value in fields.items())
    return client.post("/f/contact", data=body,
                       content_type="application/x-www-form-urlencoded")


def test_a_sites_own_form_in_its_code_page_is_read_as_typed(client, contact_form):
    response = post_in_code_page(client, name="José Müller", email="jm@example.es",
                                 budget="100% sure")
    assert response.status_code == 303
    lead = only_lead()
    assert (lead.contact_name, lead.custom_fields) == ("José Müller", {"Budget": "100% sure"})


@pytest.mark.parametrize("typed", [
    "Code %C3%A9 and 50%", "Precio 50%Descuento y 100%Ecológico", "100%Bespoke, 50%Cash",
])
def test_escapes_a_visitor_typed_are_kept_as_typed(client, contact_form, typed):
    post_form(client, {**ANA, "message": typed})
    assert only_lead().description == typed


def test_a_sites_form_in_its_code_page_keeps_a_percent_sign_as_typed(client, contact_form):
    response = post_in_code_page(client, name="José Müller", email="jm@example.es",
                                 message="50%Descuento")
    assert response.status_code == 303
    assert (only_lead().contact_name, only_lead().description) == ("José Müller", "50%Descuento")
