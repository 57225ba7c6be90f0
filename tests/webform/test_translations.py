"""A hosted form speaks one language to every visitor: the one chosen for the form."""

from __future__ import annotations

from kanban_webform.models import WebForm
from sqlalchemy import select

from kanban.extensions import db
from tests.webform.factories import WebFormFactory
from tests.webform.test_admin import settings


def test_hosted_form_speaks_its_own_language_whatever_the_browser(client, pipeline):
    WebFormFactory(slug="contacto", stage=pipeline.stages[0], language="pt")
    html = client.get("/f/contacto", headers={"Accept-Language": "de, en"}).get_data(
        as_text=True)
    assert ">Enviar<" in html and "Deixe este campo vazio" in html
    assert ">Nome" in html and ">Name" not in html  # labels and button in one language
    assert '<html lang="pt"' in html


def test_a_form_without_a_language_speaks_the_teams(app, client, pipeline):
    app.config["LANGUAGE"] = "pt"
    WebFormFactory(slug="contact", stage=pipeline.stages[0], language=None)
    html = client.get("/f/contact", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ">Enviar<" in html


def test_hosted_form_in_russian(client, pipeline):
    WebFormFactory(slug="zayavka", stage=pipeline.stages[0], language="ru")
    html = client.get("/f/zayavka", headers={"Accept-Language": "pt"}).get_data(as_text=True)
    assert ">Отправить<" in html and ">Имя" in html


def test_validation_messages_speak_the_forms_language(client, pipeline):
    WebFormFactory(slug="contacto", stage=pipeline.stages[0], language="pt")
    response = client.post("/f/contacto.json", json={"name": "Ana", "email": "ana@"},
                           headers={"Accept-Language": "en"})
    assert response.get_json()["error"]["fields"]["email"].startswith(
        "Isto não é um endereço de email")


def test_a_body_too_large_is_refused_in_the_forms_language(app, client, pipeline):
    app.config["WEBFORM_MAX_BODY_BYTES"] = 1000
    WebFormFactory(slug="contacto", stage=pipeline.stages[0], language="pt")
    response = client.post("/f/contacto.json", json={"message": "x" * 2000},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 413
    assert response.get_json()["error"]["message"].startswith("O que enviou é demasiado grande")


def test_a_reused_idempotency_key_is_refused_in_the_forms_language(client, pipeline):
    WebFormFactory(slug="contacto", stage=pipeline.stages[0], language="pt")
    sent = {"Accept-Language": "en", "Idempotency-Key": "k-1"}
    client.post("/f/contacto.json", json={"name": "Ana", "email": "ana@x.pt"}, headers=sent)
    response = client.post("/f/contacto.json", json={"name": "Rui", "email": "rui@x.pt"},
                           headers=sent)
    assert response.status_code == 422
    assert response.get_json()["error"]["message"].startswith("Esta Idempotency-Key já foi usada")


def test_a_new_form_offers_the_teams_language_and_keeps_the_one_chosen(
    admin_client, pipeline
):

    page = admin_client.get("/webforms/new").get_data(as_text=True)
    assert '<option value="en" lang="en" selected>English</option>' in page
    admin_client.post("/webforms/new", data=settings(pipeline, language="ru"))
    assert db.session.scalars(select(WebForm)).one().language == "ru"


def test_without_a_team_language_a_new_form_offers_the_one_its_admin_reads(
    admin, admin_client
):
    admin.locale = "ru"
    db.session.commit()
    page = admin_client.get("/webforms/new").text
    assert '<html lang="ru">' in page
    assert '<option value="ru" lang="ru" selected>Русский</option>' in page


def test_a_language_the_app_does_not_speak_is_refused_with_the_field_named(
    admin_client, pipeline
):

    response = admin_client.post("/webforms/new", data=settings(pipeline, language="de"))
    assert response.status_code == 422
    assert 'data-field="language"' in response.get_data(as_text=True)
