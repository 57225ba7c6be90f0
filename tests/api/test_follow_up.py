"""The API logs touches with their next follow-up and filters leads like the board."""

from __future__ import annotations

from datetime import date, timedelta

from kanban.extensions import db
from kanban.models import Lead
from tests.factories import ClientFactory, LeadFactory


def test_a_call_with_a_two_thirds_follow_up_sets_standby(api, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = api.post(f"/leads/{lead.id}/notes", json={
        "kind": "call", "body": "Call me in 6 weeks",
        "follow_up": {"follow_up": "asked", "asked_amount": 6, "asked_unit": "weeks"}})
    assert response.status_code == 201
    assert response.get_json()["payload"]["next_action"]["next_action_kind"] == "standby"
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).next_action_date == date.today() + timedelta(days=28)


def test_a_follow_up_that_is_not_an_object_is_refused(api, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = api.post(f"/leads/{lead.id}/notes", json={
        "kind": "call", "body": "x", "follow_up": "tomorrow"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"follow_up": "Must be an object."}


def test_a_follow_up_in_the_past_is_refused_naming_the_field(api, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = api.post(f"/leads/{lead.id}/notes", json={
        "kind": "meeting", "body": "x",
        "follow_up": {"follow_up": "date", "follow_up_date": "2020-01-01"}})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "follow_up_date": "Pick today or a later date."}


def test_a_lead_reads_and_sets_its_star_and_client_folder(api, pipeline):
    folder = ClientFactory(name="Padaria")
    lead = LeadFactory(stage=pipeline.stages[0])
    response = api.patch(f"/leads/{lead.id}", json={"starred": True, "client_id": folder.id})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["starred"], body["client_id"]) == (True, folder.id)


def test_an_unknown_client_folder_is_refused(api, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = api.patch(f"/leads/{lead.id}", json={"client_id": 424242})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "client_id": "There is no client folder with this id."}


def test_leads_filter_by_client_class_star_and_attention(api, pipeline):
    folder = ClientFactory(rating="A")
    LeadFactory(stage=pipeline.stages[0], status="won", client=folder)
    client_lead = LeadFactory(stage=pipeline.stages[0], client=folder, starred=True,
                              next_action_date=date.today() - timedelta(days=1))
    LeadFactory(stage=pipeline.stages[0])
    for query in ("priority=A", "starred=1", "attention=overdue"):
        ids = [lead["id"] for lead in api.get(f"/leads?{query}").get_json()["leads"]]
        assert ids == [client_lead.id], query
