"""A submission from someone who is already an open lead goes onto that lead's timeline."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.models.base import today, utcnow
from kanban.notify.store import latest, text_of
from tests.factories import LeadFactory, UserFactory
from tests.webform.factories import WebFormFactory
from tests.webform.helpers import post_form

ANA = {"name": "Ana Silva", "email": "Ana@Example.com", "message": "Second request"}


def existing_lead(stage, **kwargs) -> Lead:
    return LeadFactory(stage=stage, email="ana@example.com", title="Ana (phone call)", **kwargs)


def age(lead: Lead, days: int) -> None:
    db.session.execute(update(Lead).where(Lead.id == lead.id)
                       .values(updated_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def lead_count() -> int:
    return len(db.session.scalars(select(Lead)).all())


def test_same_email_as_an_open_lead_adds_to_its_timeline(client, contact_form, pipeline):
    lead = existing_lead(pipeline.stages[1])
    response = post_form(client, ANA)
    assert response.status_code == 303
    assert lead_count() == 1
    entry = db.session.scalars(select(Activity).where(Activity.lead_id == lead.id)).one()
    assert entry.kind == "web_form"
    assert "Second request" in entry.body
    assert entry.payload["web_form"]["fields"]["message"]["value"] == "Second request"


def test_the_entry_on_the_existing_lead_is_named_web_form_in_the_readers_language(
        client, contact_form, pipeline, member_client):
    lead = existing_lead(pipeline.stages[1])
    post_form(client, ANA)
    page = member_client.get(f"/leads/{lead.id}", headers={"Accept-Language": "pt"}).text
    assert '<span class="entry-kind">Formulário web</span>' in page
    assert ">web_form<" not in page


def test_same_phone_as_an_open_lead_adds_to_its_timeline(client, contact_form, pipeline):
    lead = LeadFactory(stage=pipeline.stages[1], email="", phone="+39 02 1234 5678")
    post_form(client, {"name": "Mario Rossi", "email": "mario@azienda.example",
                       "phone": "02-1234-5678", "message": "Second request"})
    assert lead_count() == 1
    entry = db.session.scalars(select(Activity).where(Activity.lead_id == lead.id)).one()
    assert "Second request" in entry.body


def test_another_phone_and_email_gets_a_new_lead(client, contact_form, pipeline):
    LeadFactory(stage=pipeline.stages[1], email="", phone="+7 912 345-67-89")
    post_form(client, {"name": "Ivan", "email": "ivan@example.ru", "phone": "+7 812 345-67-89"})
    assert lead_count() == 2


def test_a_local_number_that_ends_two_clients_numbers_gets_a_new_lead(
        client, contact_form, pipeline):
    LeadFactory(stage=pipeline.stages[1], email="", phone="+39 02 345 6789")
    LeadFactory(stage=pipeline.stages[1], email="", phone="+39 06 345 6789")
    post_form(client, {"name": "Mario", "email": "mario@azienda.example", "phone": "345 6789"})
    assert lead_count() == 3


def test_a_standby_lead_comes_back_to_to_do(client, contact_form, pipeline):
    lead = existing_lead(pipeline.stages[1], next_action_kind="standby",
                         next_action_date=date.today() + timedelta(days=20))
    post_form(client, ANA)
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).next_action_kind == "todo"


def test_a_standby_lead_written_on_is_due_today_and_its_owner_is_told(client, contact_form,
                                                                     pipeline):
    owner = UserFactory()
    lead = existing_lead(pipeline.stages[1], owner=owner, next_action_kind="standby",
                         next_action_date=date.today() + timedelta(days=20))
    post_form(client, {**ANA, "message": "Call me today please!"})
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).next_action_date == today()
    assert [text_of(item) for item in latest(owner)] == [
        "A client wrote on “Ana (phone call)”: Call me today please!"]


def test_the_visitor_sees_the_same_thank_you_either_way(client, contact_form, pipeline):
    first = post_form(client, {**ANA, "email": "new@example.com"})
    existing_lead(pipeline.stages[1])
    second = post_form(client, ANA)
    assert (first.status_code, first.headers["Location"]) == (
        second.status_code, second.headers["Location"])


def test_json_duplicate_gets_the_same_answer_as_a_new_lead(client, contact_form, pipeline):
    new = client.post("/f/contact.json", json={**ANA, "email": "new@example.com"})
    existing_lead(pipeline.stages[1])
    folded = client.post("/f/contact.json", json=ANA)
    assert (new.status_code, new.get_json()) == (folded.status_code, folded.get_json())
    assert lead_count() == 2


def test_a_closed_lead_with_the_same_email_gets_a_new_lead(client, contact_form, pipeline):
    existing_lead(pipeline.stages[1], status="lost", lost_reason="Price")
    post_form(client, ANA)
    assert lead_count() == 2


def test_a_lead_quiet_for_longer_than_the_window_gets_a_new_lead(client, contact_form, pipeline,
                                                                   app):
    app.config["WEBFORM_DUPLICATE_DAYS"] = 30
    age(existing_lead(pipeline.stages[1]), days=31)
    post_form(client, ANA)
    assert lead_count() == 2


def test_a_lead_active_inside_the_window_is_folded(client, contact_form, pipeline, app):
    app.config["WEBFORM_DUPLICATE_DAYS"] = 30
    age(existing_lead(pipeline.stages[1]), days=29)
    post_form(client, ANA)
    assert lead_count() == 1


def test_the_forms_own_window_wins_over_the_app_setting(client, pipeline, app):
    app.config["WEBFORM_DUPLICATE_DAYS"] = 30
    WebFormFactory(slug="quote", stage=pipeline.stages[0], duplicate_days=7)
    age(existing_lead(pipeline.stages[1]), days=10)
    post_form(client, ANA, slug="quote")
    assert lead_count() == 2


def test_a_window_of_zero_days_never_folds(client, pipeline):
    WebFormFactory(slug="quote", stage=pipeline.stages[0], duplicate_days=0)
    existing_lead(pipeline.stages[1])
    post_form(client, ANA, slug="quote")
    assert lead_count() == 2
