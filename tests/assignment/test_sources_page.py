"""The admin sets who owns the leads the API and imports bring without an owner."""

from __future__ import annotations

from kanban import hookimpl
from kanban.extensions import db
from kanban.services import users as user_service
from kanban.services.leads import create_lead
from kanban.services.owner_rules import departed_people, rule_form_values, set_rule
from kanban.ui import OwnerRuleSource
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


def test_a_rule_naming_only_someone_who_left_is_marked_with_their_name(admin_client):
    sam = UserFactory(name="Sam Seller")
    set_rule("api", "fixed", [sam.id])
    db.session.commit()
    user_service.deactivate_user(sam)

    page = admin_client.get("/admin/sources").get_data(as_text=True)

    api = page.split('id="source-api"')[1].split('id="source-import"')[0]
    assert ("No longer on the team: Sam Seller. New leads from this source wait for an owner "
            "until you choose someone else.") in api
    assert (f'<option value="{sam.id}" disabled selected>Sam Seller (left the team)</option>'
            in api)
    assert "No longer on the team" not in page.split('id="source-import"')[1]


def test_a_turn_naming_someone_who_left_is_marked_and_goes_on_among_the_others(
        admin_client):
    sam, ana = UserFactory(name="Sam Seller"), UserFactory(name="Ana Lopes")
    set_rule("import", "round_robin", [sam.id, ana.id])
    db.session.commit()
    user_service.deactivate_user(sam)

    page = admin_client.get("/admin/sources").get_data(as_text=True)

    assert "No longer on the team: Sam Seller. The turns skip them" in page
    assert (f'value="{sam.id}" checked disabled> Sam Seller (left the team)</label>' in page)


def test_saving_a_marked_turn_takes_who_left_off_the_rule(admin_client):
    sam, ana = UserFactory(name="Sam Seller"), UserFactory(name="Ana Lopes")
    set_rule("import", "round_robin", [sam.id, ana.id])
    db.session.commit()
    user_service.deactivate_user(sam)
    # What the browser sends: a disabled box is not sent.
    admin_client.post("/admin/sources/import", data={
        "owner_rule": "round_robin", "round_robin_user_ids": [str(ana.id)]})

    assert departed_people("import") is None
    assert "No longer on the team" not in admin_client.get("/admin/sources").text


def test_a_rule_whose_people_are_all_on_the_team_is_not_marked(admin_client):
    set_rule("api", "fixed", [UserFactory().id])
    db.session.commit()
    assert departed_people("api") is None
    assert "No longer on the team" not in admin_client.get("/admin/sources").text


class QuotesDesk:
    """A plugin whose desk sets the owner of its leads on a page of its own."""

    @hookimpl
    def kanban_ui_owner_rule_sources(self):
        return [OwnerRuleSource("quotes:1", "Quotes desk", "/quotes/1/settings")]


def test_a_plugins_source_whose_owner_left_is_marked_with_a_link_to_its_page(
        admin_client, register_plugin):
    register_plugin(QuotesDesk())
    set_rule("quotes:1", "fixed", [UserFactory(name="Sam Seller", active=False).id])
    db.session.commit()

    page = admin_client.get("/admin/sources").text

    elsewhere = page.split('id="sources-elsewhere"')[1]
    assert ("<strong>Quotes desk</strong>: No longer on the team: Sam Seller. New leads from "
            "this source wait for an owner until you choose someone else.") in elsewhere
    assert '<a href="/quotes/1/settings">Choose another owner</a>' in elsewhere


def test_a_plugins_source_whose_owner_is_on_the_team_is_not_marked(admin_client,
                                                                   register_plugin):
    register_plugin(QuotesDesk())
    set_rule("quotes:1", "fixed", [UserFactory(name="Sam Seller").id])
    db.session.commit()

    page = admin_client.get("/admin/sources").text

    assert 'id="sources-elsewhere"' not in page
    assert "Quotes desk" not in page
