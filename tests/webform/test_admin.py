"""Admins and managers set forms up and see their numbers and embed code."""

from __future__ import annotations

import pytest
from kanban_webform.models import WebForm
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from tests.conftest import log_in
from tests.factories import UserFactory
from tests.webform.factories import WebFormFactory
from tests.webform.helpers import post_form


def settings(pipeline, **overrides) -> dict:
    data = {"name": "Quote request", "slug": "quote", "enabled": "on",
            "ask_name": "on", "require_name": "on", "ask_email": "on", "require_email": "on",
            "ask_message": "on", "custom_fields": "Budget (EUR)\nDeadline *",
            "stage_id": str(pipeline.stages[1].id), "owner_rule": "none",
            "tags": "Website, quote", "thank_you_message": "Thanks!",
            "allowed_origins": "https://www.bakery.example/contact\nhttp://localhost:8080",
            "duplicate_days": "14"}
    data.update(overrides)
    return data


def test_manager_creates_a_form(manager_client, pipeline):
    response = manager_client.post("/webforms/new", data=settings(pipeline))
    assert response.status_code == 302
    form = db.session.scalars(select(WebForm)).one()
    assert (form.name, form.slug, form.enabled, form.stage_id) == (
        "Quote request", "quote", True, pipeline.stages[1].id)
    assert [(f["key"], f["required"], f["custom"]) for f in form.fields] == [
        ("name", True, False), ("email", True, False), ("message", False, False),
        ("budget_eur", False, True), ("deadline", True, True)]
    assert form.tags == ["website", "quote"]
    assert form.allowed_origins == ["https://www.bakery.example", "http://localhost:8080"]
    assert form.duplicate_days == 14


def test_visitors_see_the_forms_title_and_the_team_its_name(manager_client, pipeline, client):
    manager_client.post("/webforms/new", data=settings(
        pipeline, name="Site — quote v2 (May)", heading="Ask us for a quote"))

    page = client.get("/f/quote").text
    assert "<title>Ask us for a quote</title>" in page and "<h1>Ask us for a quote</h1>" in page
    assert "quote v2" not in page
    lead_source = post_form(client, {"name": "Ana", "email": "ana@example.com",
                                     "deadline": "May"}, slug="quote")
    assert lead_source.status_code == 303
    assert db.session.scalars(select(Lead)).one().source == "web form: Site — quote v2 (May)"


def test_a_form_without_a_title_shows_visitors_its_name(client, contact_form):
    assert f"<h1>{contact_form.name}</h1>" in client.get("/f/contact").text


def test_a_title_longer_than_200_characters_is_refused_naming_it(admin_client, pipeline):
    response = admin_client.post("/webforms/new", data=settings(pipeline, heading="x" * 201))

    assert response.status_code == 422 and 'data-field="heading"' in response.text
    assert db.session.scalars(select(WebForm)).all() == []


def test_extra_fields_may_be_named_in_any_alphabet(manager_client, pipeline, client):
    response = manager_client.post("/webforms/new", data=settings(
        pipeline, custom_fields="Бюджет *\nOrçamento\nСрок (дни)"))
    assert response.status_code == 302
    form = db.session.scalars(select(WebForm)).one()
    assert [f["key"] for f in form.fields if f["custom"]] == ["бюджет", "orcamento", "срок_дни"]
    page = client.get("/f/quote").get_data(as_text=True)
    assert 'name="бюджет"' in page and "Бюджет" in page


def test_an_extra_field_with_no_letters_is_refused_naming_it(manager_client, pipeline):
    response = manager_client.post("/webforms/new", data=settings(pipeline,
                                                                  custom_fields="(—)"))
    assert response.status_code == 422
    assert "“(—)” cannot be a field" in response.get_data(as_text=True)


def test_bad_settings_are_named_and_the_input_is_kept(admin_client, pipeline):
    response = admin_client.post("/webforms/new", data=settings(
        pipeline, slug="Not a slug!", allowed_origins="javascript:alert(1)",
        redirect_url="ftp://x", owner_rule="fixed", owner_id=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("slug", "allowed_origins", "redirect_url", "owner_id"):
        assert f'data-field="{field}"' in html
    assert 'value="Quote request"' in html
    assert db.session.scalars(select(WebForm)).all() == []


def test_a_line_of_allowed_sites_that_is_no_address_is_named_whole(admin_client, pipeline):
    response = admin_client.post("/webforms/new", data=settings(
        pipeline, allowed_origins="https://bakery.example\nnot an origin\nworse one"))
    assert response.status_code == 422
    assert "“not an origin” is not a website address" in response.text


def test_several_allowed_sites_may_share_a_line(admin_client, pipeline):
    admin_client.post("/webforms/new", data=settings(
        pipeline, allowed_origins="https://a.example https://b.example, https://c.example"))
    assert db.session.scalars(select(WebForm)).one().allowed_origins == [
        "https://a.example", "https://b.example", "https://c.example"]


def test_a_form_must_ask_for_a_way_to_answer(admin_client, pipeline):
    response = admin_client.post("/webforms/new", data=settings(pipeline, ask_email=""))
    assert response.status_code == 422
    assert 'data-field="fields"' in response.get_data(as_text=True)


def test_two_forms_cannot_share_an_address(admin_client, contact_form, pipeline):
    response = admin_client.post("/webforms/new", data=settings(pipeline, slug="contact"))
    assert response.status_code == 422
    assert "Another form already uses this address." in response.get_data(as_text=True)


@pytest.mark.parametrize(("name", "slug"), [("Pedido de orçamento!", "pedido-de-orcamento"),
                                          ("Perché no?", "perche-no")])
def test_a_form_left_without_an_address_gets_one_from_its_name(admin_client, pipeline, name,
                                                               slug):
    response = admin_client.post("/webforms/new", data=settings(pipeline, name=name, slug=""))
    assert response.status_code == 302
    assert db.session.scalars(select(WebForm.slug)).one() == slug


def test_a_name_in_cyrillic_gives_an_address_in_latin_letters(admin_client, pipeline):
    admin_client.post("/webforms/new", data=settings(pipeline, name="Сайт: заявка на КП", slug=""))
    assert db.session.scalars(select(WebForm.slug)).one() == "sayt-zayavka-na-kp"


def test_an_address_made_from_a_name_is_never_one_already_taken(admin_client, contact_form,
                                                               pipeline):
    WebFormFactory(slug="contact-2", stage=pipeline.stages[0])
    admin_client.post("/webforms/new", data=settings(pipeline, name="Contact", slug=""))
    slugs = set(db.session.scalars(select(WebForm.slug)))
    assert slugs == {"contact", "contact-2", "contact-3"}


def test_an_address_made_from_a_cyrillic_name_is_never_one_already_taken(admin_client,
                                                                        pipeline):
    WebFormFactory(slug="zayavka", stage=pipeline.stages[0])
    admin_client.post("/webforms/new", data=settings(pipeline, name="Заявка", slug=""))
    assert set(db.session.scalars(select(WebForm.slug))) == {"zayavka", "zayavka-2"}


def test_a_name_with_no_letters_gives_the_address_form(admin_client, pipeline):
    admin_client.post("/webforms/new", data=settings(pipeline, name="★ — !!!", slug=""))
    assert db.session.scalars(select(WebForm.slug)).one() == "form"


def test_the_address_field_says_what_it_takes(admin_client):
    page = admin_client.get("/webforms/new").text
    rule = "Lowercase letters, digits and dashes, such as contact-us. Empty: made from the name."
    assert f'title="{rule}"' in page
    assert 'required pattern' not in page


def test_editing_a_form_switches_it_off(admin_client, contact_form, pipeline, client):
    page = admin_client.get(f"/webforms/{contact_form.id}/edit").get_data(as_text=True)
    assert 'value="contact"' in page
    response = admin_client.post(f"/webforms/{contact_form.id}/edit",
                                 data=settings(pipeline, slug="contact", enabled=""))
    assert response.status_code == 302
    assert client.get("/f/contact").status_code == 404


def test_member_may_not_manage_forms(member_client, contact_form, pipeline):
    assert member_client.get("/webforms").status_code == 403
    assert member_client.post("/webforms/new", data=settings(pipeline)).status_code == 403
    assert member_client.get(f"/webforms/{contact_form.id}").status_code == 403


def test_visitors_must_log_in_to_manage_forms(client, contact_form):
    response = client.get("/webforms")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_form_page_shows_embed_code_and_numbers(client, admin_client, contact_form, pipeline):
    from tests.factories import LeadFactory

    post_form(client, {"name": "Ana", "email": "ana@example.com"})
    LeadFactory(stage=pipeline.stages[1], email="rui@example.com")
    post_form(client, {"name": "Rui", "email": "rui@example.com"})
    post_form(client, {"name": "Bot", "email": "bot@example.com", "hp_website": "x"})
    html = admin_client.get(f"/webforms/{contact_form.id}").get_data(as_text=True)
    assert 'data-stat="submissions">2<' in html
    assert 'data-stat="leads">1<' in html
    assert 'data-stat="duplicates">1<' in html
    assert 'data-stat="spam">1<' in html
    assert 'data-stat="last">never<' not in html
    assert "http://localhost/f/contact" in html  # the hosted page and the snippet's action
    assert "&lt;form action=&#34;http://localhost/f/contact&#34;" in html
    assert "src=&#34;http://localhost/f/contact?embed=1&#34;" in html
    assert "curl -X POST http://localhost/f/contact.json" in html


def test_the_forms_html_code_speaks_the_forms_language_not_the_admins(admin, admin_client,
                                                                     pipeline):
    form = WebFormFactory(slug="zakaz", stage=pipeline.stages[0], language="ru")
    admin.locale = "es"
    db.session.commit()
    html = admin_client.get(f"/webforms/{form.id}").text
    assert "Отправить" in html  # the snippet's button, as visitors will read it
    assert '<html lang="es">' in html  # the page itself, as the admin reads it


def test_the_embed_code_points_at_the_teams_public_address(app, admin_client, contact_form):
    app.config["PUBLIC_URL"] = "https://crm.example.com/crm"
    html = admin_client.get(f"/webforms/{contact_form.id}").text
    assert "&lt;form action=&#34;https://crm.example.com/crm/f/contact&#34;" in html
    assert "localhost/f/contact" not in html


def test_the_forms_latest_submissions_link_to_their_leads_under_a_url_prefix(
        app, client, admin_client, contact_form):
    post_form(client, {"name": "Ana", "email": "ana@example.com"})
    lead_id = db.session.scalars(select(Lead.id)).one()
    html = admin_client.get(f"/webforms/{contact_form.id}",
                            environ_overrides={"SCRIPT_NAME": "/crm"}).text
    assert f'href="/crm/leads/{lead_id}"' in html


def test_the_stage_a_form_puts_its_leads_in_is_not_deleted_before_the_form_moves(
        admin, admin_client, pipeline, contact_form):
    from kanban.models import Stage

    admin.locale = "es"
    db.session.commit()
    response = admin_client.post(f"/admin/stages/{pipeline.stages[0].id}/delete")
    assert response.status_code == 422
    assert ("El formulario web Contact pone sus nuevos leads en esta etapa: dale otra etapa "
            "primero.") in response.text
    assert db.session.get(Stage, pipeline.stages[0].id) is not None


def test_a_stage_no_form_uses_is_deleted(admin_client, pipeline, contact_form):
    from kanban.models import Stage

    stage_id = pipeline.stages[-1].id
    assert admin_client.post(f"/admin/stages/{stage_id}/delete").status_code == 302
    assert db.session.get(Stage, stage_id) is None


def test_the_pipeline_of_a_forms_stage_is_not_deleted_before_the_form_moves(
        admin, admin_client, pipeline, contact_form):
    from kanban.models import Pipeline

    admin.locale = "it"
    db.session.commit()
    response = admin_client.post(f"/admin/pipelines/{pipeline.id}/delete")
    assert response.status_code == 422
    assert "La fase New non può essere eliminata." in response.text
    assert db.session.get(Pipeline, pipeline.id) is not None
    db.session.expire_all()
    assert db.session.get(WebForm, contact_form.id).stage_id == pipeline.stages[0].id


def test_the_pipeline_of_a_forms_stage_is_refused_in_the_api(admin_client, pipeline,
                                                             contact_form):
    response = admin_client.delete(f"/api/v1/pipelines/{pipeline.id}")
    assert response.status_code == 422
    assert "The web form Contact puts its new leads" in response.get_json()["error"]["message"]


def test_a_pipeline_no_form_uses_is_deleted(admin_client, pipeline, contact_form):
    from kanban.models import Pipeline
    from tests.factories import PipelineFactory

    other = PipelineFactory(name="Support", stages=["Open"])
    assert admin_client.post(f"/admin/pipelines/{other.id}/delete").status_code == 302
    assert db.session.get(Pipeline, other.id) is None


def test_forms_list_shows_every_forms_numbers(client, admin_client, contact_form, pipeline):
    WebFormFactory(name="Quiet form", slug="quiet", stage=pipeline.stages[0])
    post_form(client, {"name": "Ana", "email": "ana@example.com"})
    html = admin_client.get("/webforms").get_data(as_text=True)
    assert "Contact" in html and "Quiet form" in html and "never" in html


def test_navigation_links_forms_for_managers_only(manager_client, member_client, pipeline):
    assert 'href="/webforms"' in manager_client.get("/board").get_data(as_text=True)
    assert 'href="/webforms"' not in member_client.get("/board").get_data(as_text=True)


def test_web_leads_carry_a_web_badge_on_the_board(client, admin_client, contact_form, pipeline):
    from tests.factories import LeadFactory

    LeadFactory(stage=pipeline.stages[0], title="Phoned in", source="manual")
    post_form(client, {"name": "Ana Web", "email": "ana@example.com"})
    html = admin_client.get("/board").get_data(as_text=True)
    assert html.count('title="Web form: Contact">web<') == 1  # its source in words


def test_the_lead_source_is_listed(app):
    from kanban.plugins import collect

    with app.test_request_context():
        assert "web form" in [source.key for source in collect("kanban_register_lead_sources")]


def test_an_inactive_fixed_owner_leaves_the_lead_unassigned(client, pipeline):
    from kanban.models import Lead

    owner = UserFactory(active=False)
    WebFormFactory(slug="quote", stage=pipeline.stages[0], owner_rule="fixed", owner=owner)
    post_form(client, {"name": "Ana", "email": "ana@example.com"}, slug="quote")
    assert db.session.scalars(select(Lead)).one().owner_id is None


def test_a_forms_rule_naming_someone_who_left_is_marked_on_its_settings(admin_client,
                                                                        pipeline):
    owner = UserFactory(name="Sam Seller", active=False)
    form = WebFormFactory(slug="quote", stage=pipeline.stages[0], owner_rule="fixed",
                          owner=owner)
    page = admin_client.get(f"/webforms/{form.id}/edit").text
    assert "No longer on the team: Sam Seller. New leads from this source wait" in page
    assert f'<option value="{owner.id}" disabled selected>Sam Seller (left the team)' in page


LEFT = ("No longer on the team: Sam Seller. New leads from this source wait for an owner until "
        "you choose someone else.")


def test_a_form_whose_owner_left_is_marked_on_the_lead_sources_page(admin_client, pipeline):
    form = WebFormFactory(name="Quote", stage=pipeline.stages[0], owner_rule="fixed",
                          owner=UserFactory(name="Sam Seller", active=False))

    elsewhere = admin_client.get("/admin/sources").text.split('id="sources-elsewhere"')[1]

    assert f"<strong>Web form “Quote”</strong>: {LEFT}" in elsewhere
    assert f'<a href="/webforms/{form.id}/edit">Choose another owner</a>' in elsewhere


def test_a_form_whose_owner_is_on_the_team_is_not_marked_on_the_lead_sources_page(
        admin_client, pipeline):
    WebFormFactory(name="Quote", stage=pipeline.stages[0], owner_rule="fixed",
                   owner=UserFactory(name="Sam Seller"))

    page = admin_client.get("/admin/sources").text

    assert "No longer on the team" not in page
    assert "Web form “Quote”" not in page


def test_a_form_whose_owner_left_is_marked_on_its_page(admin_client, pipeline):
    form = WebFormFactory(name="Quote", stage=pipeline.stages[0], owner_rule="fixed",
                          owner=UserFactory(name="Sam Seller", active=False))

    page = admin_client.get(f"/webforms/{form.id}").text

    assert LEFT in page
    assert f'<a href="/webforms/{form.id}/edit">Choose another owner</a>' in page


def test_a_form_whose_owner_is_on_the_team_is_not_marked_on_its_page(admin_client, pipeline):
    form = WebFormFactory(name="Quote", stage=pipeline.stages[0], owner_rule="fixed",
                          owner=UserFactory(name="Sam Seller"))

    assert "No longer on the team" not in admin_client.get(f"/webforms/{form.id}").text


def test_under_a_url_prefix_the_code_for_websites_posts_under_it(app, admin, contact_form):
    from werkzeug.middleware.dispatcher import DispatcherMiddleware
    from werkzeug.wrappers import Response

    app.wsgi_app = DispatcherMiddleware(Response("not here", 404), {"/crm": app.wsgi_app})
    page = log_in(app.test_client(), admin).get(f"/crm/webforms/{contact_form.id}").text
    assert "http://localhost/crm/f/contact" in page
    assert "http://localhost/f/contact" not in page
