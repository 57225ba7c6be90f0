"""The hosted page /f/<slug>: works without JavaScript, keeps input on errors."""

from __future__ import annotations

from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from tests.webform.helpers import post_form


def test_hosted_page_shows_the_form_fields(client, contact_form):
    html = client.get("/f/contact").get_data(as_text=True)
    assert 'name="name"' in html and 'name="email"' in html and 'name="budget"' in html


def test_hosted_submission_creates_a_lead_in_the_forms_stage(client, contact_form, pipeline):
    response = post_form(client, {"name": "Ana Silva", "email": "ana@example.com",
                                  "company": "Padaria", "message": "Quote for 40 cakes",
                                  "budget": "500"})
    assert response.status_code == 303
    lead = db.session.scalars(select(Lead)).one()
    assert lead.title == "Ana Silva · Padaria"
    assert lead.email == "ana@example.com"
    assert lead.stage_id == pipeline.stages[0].id
    assert lead.source == "web form: Contact"
    assert lead.description == "Quote for 40 cakes"
    assert lead.custom_fields == {"Budget": "500"}
