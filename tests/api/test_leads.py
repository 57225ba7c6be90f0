"""Listing, creating, reading, editing and deleting leads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kanban.extensions import db
from kanban.models import Lead
from kanban.services import leads as lead_service
from tests.api.conftest import assert_error
from tests.factories import LeadFactory, UserFactory


def test_list_leads_returns_open_leads_by_stage_then_rank(api, column, pipeline):
    later = LeadFactory(stage=pipeline.stages[1], title="Delta")
    response = api.get("/leads")
    assert response.status_code == 200
    body = response.get_json()
    assert [lead["id"] for lead in body["leads"]] == [*(lead.id for lead in column), later.id]
    assert (body["page"], body["per_page"], body["total"]) == (1, 50, 4)


def test_list_leads_pages_through_the_results(api, column):
    response = api.get("/leads?per_page=2&page=2")
    body = response.get_json()
    assert [lead["title"] for lead in body["leads"]] == ["Gamma"]
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 3)


def test_list_leads_filters_by_stage(api, column, pipeline):
    other = LeadFactory(stage=pipeline.stages[1])
    response = api.get(f"/leads?stage_id={pipeline.stages[1].id}")
    assert [lead["id"] for lead in response.get_json()["leads"]] == [other.id]


def test_list_leads_filters_by_pipeline(api, column, pipeline):
    LeadFactory()  # in a pipeline of its own
    response = api.get(f"/leads?pipeline_id={pipeline.id}")
    assert response.get_json()["total"] == 3


def test_list_leads_filters_by_tag_priority_and_text(api, column, pipeline):
    wanted = LeadFactory(stage=pipeline.stages[0], title="Acme renewal", priority=1,
                         tags=["renewal"])
    LeadFactory(stage=pipeline.stages[0], title="Acme other", priority=2, tags=["renewal"])
    response = api.get("/leads?tag=renewal&priority=1&q=acme")
    assert [lead["id"] for lead in response.get_json()["leads"]] == [wanted.id]


def test_list_leads_filters_by_owner(api, column, member):
    column[1].owner_id = member.id
    db.session.commit()
    response = api.get(f"/leads?owner_id={member.id}")
    assert [lead["title"] for lead in response.get_json()["leads"]] == ["Beta"]


def test_list_leads_shows_closed_leads_only_when_asked(api, column):
    column[0].status = "won"
    db.session.commit()
    assert api.get("/leads").get_json()["total"] == 2
    closed = api.get("/leads?status=closed").get_json()["leads"]
    assert [lead["title"] for lead in closed] == ["Alpha"]
    assert api.get("/leads?status=all").get_json()["total"] == 3


def test_list_leads_filters_by_creation_day(api, column):
    column[0].created_at = datetime(2026, 1, 10, 23, 30, tzinfo=UTC)
    column[1].created_at = datetime(2026, 1, 11, 8, 0, tzinfo=UTC)
    column[2].created_at = datetime(2026, 1, 12, 0, 0, tzinfo=UTC)
    db.session.commit()
    response = api.get("/leads?created_from=2026-01-11&created_to=2026-01-11")
    assert [lead["title"] for lead in response.get_json()["leads"]] == ["Beta"]


def test_list_leads_accepts_the_last_day_of_the_calendar(api, column):
    response = api.get("/leads?created_from=0001-01-01&created_to=9999-12-31")
    assert response.get_json()["total"] == 3


def test_create_lead_puts_it_at_the_top_of_the_first_stage(api, column, member):
    response = api.post("/leads", json={"title": "Big deal", "value": "1500.5",
                                        "tags": ["hot", "Hot"], "priority": "high"})
    assert response.status_code == 201
    lead = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/leads/{lead['id']}")
    assert lead["stage_id"] == column[0].stage_id
    assert (lead["value"], lead["tags"], lead["priority"]) == ("1500.50", ["hot"], 1)
    assert lead["owner_id"] == member.id
    assert lead["source"] == "api"
    assert lead["rank"] < column[0].rank


def test_create_lead_in_a_chosen_stage(api, pipeline):
    stage = pipeline.stages[2]
    response = api.post("/leads", json={"title": "Quote", "stage_id": stage.id})
    assert response.status_code == 201
    assert response.get_json()["stage_id"] == stage.id
    assert response.get_json()["pipeline_id"] == pipeline.id


def test_create_lead_without_title_names_the_field(api, pipeline):
    error = assert_error(api.post("/leads", json={"company": "Acme"}), 422, "invalid")
    assert set(error["fields"]) == {"title"}


@pytest.mark.parametrize("language", ["en", "es", "ru"])
def test_an_amount_as_text_reads_as_the_api_writes_it_whatever_the_users_language(
        api, pipeline, member, language):
    member.locale = language
    db.session.commit()
    for typed, stored in (("1500.50", "1500.50"), ("12000", "12000.00"), ("1.200,50", "1200.50"),
                          ("12.0", "12.00")):
        response = api.post("/leads", json={"title": "Padaria", "value": typed},
                            headers={"Accept-Language": language})
        assert response.get_json()["value"] == stored


@pytest.mark.parametrize("typed", ["12.000", "12,000", "1.500"])
def test_an_amount_that_may_be_thousands_or_decimals_is_refused_not_guessed(
        api, pipeline, typed):
    error = assert_error(api.post("/leads", json={"title": "Padaria", "value": typed}), 422)

    assert error["fields"] == {"value": f"{typed} may be thousands or decimals: write "
                                        f"{typed[:-4]}{typed[-3:]} for thousands, or two "
                                        "decimals after a dot."}


def test_a_value_too_large_is_named_too_large_not_negative(api, pipeline):
    error = assert_error(api.post("/leads", json={"title": "X", "value": 1e12}), 422)
    assert error["fields"]["value"] == "Too large: at most 999,999,999,999.99."
    error = assert_error(api.post("/leads", json={"title": "X", "value": -5}), 422)
    assert error["fields"]["value"] == "Must be a positive amount."


def test_create_lead_in_unknown_stage_is_refused(api, pipeline):
    error = assert_error(api.post("/leads", json={"title": "X", "stage_id": 9999}), 422)
    assert "stage_id" in error["fields"]


@pytest.mark.parametrize("stage_id", [9999, 2**70, "2"])
def test_an_unknown_stage_is_named_beside_every_other_bad_field(api, pipeline, stage_id):
    error = assert_error(api.post("/leads", json={
        "title": "", "value": "abc", "email": "nope", "stage_id": stage_id}), 422)
    assert set(error["fields"]) == {"title", "value", "email", "stage_id"}


def test_show_lead_returns_every_field(api, column):
    response = api.get(f"/leads/{column[0].id}")
    assert response.status_code == 200
    lead = response.get_json()
    assert lead["title"] == "Alpha"
    assert lead["version"] == 1
    assert lead["status"] == "open"


def test_show_unknown_lead_is_404_json(api, pipeline):
    assert_error(api.get("/leads/9999"), 404, "not_found")


def test_update_lead_changes_only_the_fields_sent(api, column):
    lead = column[0]
    response = api.patch(f"/leads/{lead.id}", json={"company": "Acme", "version": 1})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["company"], body["title"], body["version"]) == ("Acme", "Alpha", 2)


def test_a_misspelt_field_is_named_and_nothing_is_saved(api, column):
    lead = column[0]
    error = assert_error(api.patch(f"/leads/{lead.id}", json={"titel": "x", "company": "Acme"}),
                         422)
    assert error["fields"] == {"titel": "There is no such field."}
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).company != "Acme"


def test_a_stage_or_status_sent_to_an_edit_points_at_the_move_and_close_requests(api, column):
    error = assert_error(api.patch(f"/leads/{column[0].id}",
                                   json={"stage_id": 4, "status": "won"}), 422)
    assert "move request" in error["fields"]["stage_id"]
    assert "close or reopen request" in error["fields"]["status"]


def test_a_new_lead_with_a_misspelt_field_is_not_created(api, column):
    error = assert_error(api.post("/leads", json={"title": "Typo", "emial": "x@y.com"}), 422)
    assert set(error["fields"]) == {"emial"}
    assert db.session.query(Lead).filter_by(title="Typo").count() == 0


def test_update_lead_records_the_change_on_the_timeline(api, column):
    api.patch(f"/leads/{column[0].id}", json={"title": "Alpha 2"})
    activities = api.get(f"/leads/{column[0].id}/activities").get_json()["activities"]
    assert activities[0]["kind"] == "edit"
    assert activities[0]["payload"]["changes"]["title"] == ["Alpha", "Alpha 2"]


def test_a_leads_timeline_ends_with_its_creation_on_its_last_page(api, pipeline, member):
    lead = lead_service.create_lead({"title": "Printer fleet"}, user=member, source="email",
                                    stage=pipeline.stages[0])
    for seconds in (30, 20, 10):  # emails sent before the lead was made from the last one
        lead_service.add_note(lead, f"Sent {seconds}s before", user=member, kind="email",
                              created_at=lead.created_at - timedelta(seconds=seconds))

    pages = [api.get(f"/leads/{lead.id}/activities?per_page=2&page={n}").get_json()
             for n in (1, 2)]

    assert [a["body"] or a["payload"]["event"] for page in pages
            for a in page["activities"]] == ["Sent 10s before", "Sent 20s before",
                                             "Sent 30s before", "created"]


def test_update_lead_with_stale_version_is_refused_with_409_and_current_state(api, column):
    lead = column[0]
    api.patch(f"/leads/{lead.id}", json={"company": "First"})
    error = assert_error(
        api.patch(f"/leads/{lead.id}", json={"company": "Second", "version": 1}), 409, "conflict"
    )
    assert error["lead"] == {"id": lead.id, "stage_id": lead.stage_id, "version": 2}
    assert error["order"] == [c.id for c in column]
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).company == "First"


def test_member_cannot_reassign_an_owned_lead(api, column, manager):
    column[0].owner_id = manager.id
    db.session.commit()
    other = UserFactory()
    error = assert_error(api.patch(f"/leads/{column[0].id}", json={"owner_id": other.id}), 403)
    assert error["code"] == "forbidden"


def test_manager_deletes_a_lead(client, manager_auth, column):
    response = client.delete(f"/api/v1/leads/{column[0].id}", headers=manager_auth)
    assert response.status_code == 204
    assert response.data == b""
    assert_error(client.get(f"/api/v1/leads/{column[0].id}", headers=manager_auth), 404)


def test_member_deleting_a_lead_is_forbidden(api, column):
    assert_error(api.delete(f"/leads/{column[0].id}"), 403, "forbidden")
    db.session.expire_all()
    assert db.session.get(Lead, column[0].id) is not None


def test_deleting_an_unknown_lead_is_404(client, manager_auth, pipeline):
    assert_error(client.delete("/api/v1/leads/9999", headers=manager_auth), 404)
