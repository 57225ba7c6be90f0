"""The admin sets who owns the leads the API and imports bring without an owner."""

from __future__ import annotations

from kanban.services.leads import create_lead
from kanban.services.owner_rules import rule_form_values
from tests.factories import UserFactory


def test_the_page_lists_the_core_sources_with_their_rules(admin_client):
    page = admin_client.get("/admin/sources").get_data(as_text=True)
    assert "The API: leads sent without an owner" in page
    assert "Imported lists" in page
    assert page.count('name="owner_rule"') == 6


def test_saving_a_round_robin_for_the_api(admin_client, pipeline):
    ana, rui = UserFactory(), UserFactory()
    response = admin_client.post("/admin/sources/api", data={
        "owner_rule": "round_robin", "round_robin_user_ids": [str(ana.id), str(rui.id)]})
    assert response.status_code == 303
    owners = [create_lead({"title": f"Lead {i}"}, user=None, assign_by="api").owner_id
              for i in range(3)]
    assert owners == [ana.id, rui.id, ana.id]


def test_a_fixed_rule_without_a_person_is_refused_with_the_field_named(admin_client):
    response = admin_client.post("/admin/sources/import", data={"owner_rule": "fixed"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-field="owner_id"' in page
    assert rule_form_values("import")["owner_rule"] == "none"


def test_an_unknown_source_is_404(admin_client):
    assert admin_client.post("/admin/sources/fax", data={"owner_rule": "none"}).status_code == 404


def test_members_cannot_set_rules(member_client):
    assert member_client.get("/admin/sources").status_code == 403
