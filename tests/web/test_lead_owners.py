"""Who owns a lead: a member makes leads for themselves and takes leads nobody owns; only
managers and admins give a lead to someone else, on the pages, in bulk and through the API."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kanban.errors import PermissionDenied
from kanban.extensions import db
from kanban.models import Lead
from kanban.services.leads import create_lead, update_lead
from tests.api.conftest import bearer
from tests.factories import LeadFactory, UserFactory
from tests.web.test_lead_pages import form_for, reload

REFUSAL = "Only a manager or an admin can give a lead to someone else."


def lead_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Lead.id)))


def test_a_member_creating_a_lead_for_someone_else_is_refused_with_403(
    member_client, pipeline
):
    colleague = UserFactory()
    response = member_client.post("/leads/new",
                                  data=form_for(pipeline, owner_id=str(colleague.id)))
    assert response.status_code == 403
    assert REFUSAL in response.text
    assert lead_count() == 0


def test_a_member_creates_a_lead_they_own(member_client, member, pipeline):
    data = form_for(pipeline)
    del data["owner_id"]
    assert member_client.post("/leads/new", data=data).status_code == 302
    assert db.session.scalars(select(Lead)).one().owner_id == member.id


def test_a_manager_creates_a_lead_for_someone_else(manager_client, member, pipeline):
    response = manager_client.post("/leads/new", data=form_for(pipeline, owner_id=str(member.id)))
    assert response.status_code == 302
    assert db.session.scalars(select(Lead)).one().owner_id == member.id


def test_the_new_lead_form_shows_a_member_as_owner_without_a_choice(
    member_client, member, pipeline
):
    page = member_client.get("/leads/new").text
    assert 'name="owner_id"' not in page
    assert member.name in page


def test_a_member_handing_an_unowned_lead_to_someone_else_is_refused(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=None)
    colleague = UserFactory()
    response = member_client.post(f"/leads/{lead.id}/edit", data={
        "title": lead.title, "owner_id": str(colleague.id), "version": str(lead.version)})
    assert response.status_code == 403
    assert reload(lead).owner_id is None


def test_a_member_takes_an_unowned_lead(member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=None)
    update_lead(lead, {"owner_id": member.id}, user=member)
    assert reload(lead).owner_id == member.id


def test_a_member_handing_their_own_lead_to_someone_else_is_refused(member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    with pytest.raises(PermissionDenied):
        update_lead(lead, {"owner_id": UserFactory().id}, user=member)


def test_the_service_refuses_a_member_creating_for_someone_else(member, pipeline):
    with pytest.raises(PermissionDenied) as refused:
        create_lead({"title": "Theirs", "owner_id": UserFactory().id}, user=member)
    assert REFUSAL in refused.value.message
    assert lead_count() == 0


def test_the_api_refuses_a_member_creating_a_lead_for_someone_else(client, member, pipeline):
    response = client.post("/api/v1/leads", headers=bearer(member),
                           json={"title": "Theirs", "owner_id": UserFactory().id})
    assert response.status_code == 403
    assert response.get_json()["error"]["message"].startswith(REFUSAL)
    assert lead_count() == 0


def test_the_api_lets_a_manager_create_a_lead_for_someone_else(client, manager, member,
                                                                pipeline):
    response = client.post("/api/v1/leads", headers=bearer(manager),
                           json={"title": "Theirs", "owner_id": member.id})
    assert response.status_code == 201
    assert response.get_json()["owner_id"] == member.id


def test_the_api_refuses_a_member_handing_an_unowned_lead_to_someone_else(
    client, member, pipeline
):
    lead = LeadFactory(stage=pipeline.stages[0], owner=None)
    response = client.patch(f"/api/v1/leads/{lead.id}", headers=bearer(member),
                            json={"owner_id": UserFactory().id})
    assert response.status_code == 403
    assert reload(lead).owner_id is None


def test_a_member_cannot_hand_leads_over_in_bulk(member_client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    response = member_client.post("/team/leads", data={
        "lead_ids": [str(lead.id)], "owner_id": str(UserFactory().id)})
    assert response.status_code == 403
    assert reload(lead).owner_id == member.id


def test_a_members_renewal_of_a_colleagues_deal_is_their_own(member, pipeline):
    from kanban.services.clients import duplicate_lead

    colleague = UserFactory()
    won = LeadFactory(stage=pipeline.stages[0], owner=colleague, status="won")
    copy = duplicate_lead(won, purpose="renewal", standby_until="2030-01-01", user=member)
    assert copy.owner_id == member.id
