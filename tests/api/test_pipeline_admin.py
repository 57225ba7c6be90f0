"""Admins create, rename, reorder and delete pipelines and stages through the API."""

from __future__ import annotations

import pytest

from tests.api.conftest import assert_error, bearer
from tests.factories import LeadFactory


@pytest.fixture
def admin_api(api, admin):
    api.headers = bearer(admin)
    return api


def test_admin_creates_a_pipeline_with_its_stages(admin_api):
    response = admin_api.post("/pipelines", json={
        "name": "Renewals", "stages": ["Due", {"name": "Quoted", "is_proposal": True}, "Signed"],
    })
    assert response.status_code == 201
    pipeline = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/pipelines/{pipeline['id']}")
    assert [(s["name"], s["position"], s["is_proposal"]) for s in pipeline["stages"]] == [
        ("Due", 0, False), ("Quoted", 1, True), ("Signed", 2, False)
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "stages": ["A"]}, "name"),
        ({"name": 5, "stages": ["A"]}, "name"),
        ({"name": "P", "stages": []}, "stages"),
        ({"name": "P", "stages": "A,B"}, "stages"),
        ({"name": "P", "stages": [["A", True]]}, "stages"),
        ({"name": "P", "stages": [{"name": "A", "is_proposal": "yes"}]}, "stages"),
        ({"name": "P", "stages": ["A", "a"]}, "stages"),
        ({"name": "P", "stages": ["A"] * 51}, "stages"),
        ({"name": "x" * 121, "stages": ["A"]}, "name"),
    ],
)
def test_creating_a_pipeline_with_bad_input_names_the_field(admin_api, body, field):
    error = assert_error(admin_api.post("/pipelines", json=body), 422, "invalid")
    assert field in error["fields"]
    assert admin_api.get("/pipelines").get_json()["pipelines"] == []


def test_member_cannot_create_a_pipeline(api):
    assert_error(api.post("/pipelines", json={"name": "P", "stages": ["A"]}), 403, "forbidden")


def test_manager_cannot_rename_a_stage(client, manager_auth, pipeline):
    response = client.patch(f"/api/v1/stages/{pipeline.stages[0].id}", json={"name": "Fresh"},
                            headers=manager_auth)
    assert_error(response, 403, "forbidden")


def test_admin_renames_a_pipeline(admin_api, pipeline):
    response = admin_api.patch(f"/pipelines/{pipeline.id}", json={"name": "New business"})
    assert response.status_code == 200
    assert response.get_json()["name"] == "New business"


def test_renaming_an_unknown_pipeline_is_404(admin_api):
    assert_error(admin_api.patch("/pipelines/9999", json={"name": "X"}), 404, "not_found")


def test_admin_deletes_an_empty_pipeline(admin_api, pipeline):
    assert admin_api.delete(f"/pipelines/{pipeline.id}").status_code == 204
    assert_error(admin_api.get(f"/pipelines/{pipeline.id}"), 404)


def test_deleting_a_pipeline_that_holds_leads_is_refused(admin_api, pipeline):
    LeadFactory(stage=pipeline.stages[2])
    assert_error(admin_api.delete(f"/pipelines/{pipeline.id}"), 422, "invalid")


def test_admin_adds_a_stage_at_the_end(admin_api, pipeline):
    response = admin_api.post(f"/pipelines/{pipeline.id}/stages",
                              json={"name": "Won?", "is_proposal": False})
    assert response.status_code == 201
    stage = response.get_json()
    assert (stage["pipeline_id"], stage["position"]) == (pipeline.id, 4)
    assert response.headers["Location"].endswith(f"/api/v1/stages/{stage['id']}")


def test_adding_a_stage_with_a_taken_name_is_refused(admin_api, pipeline):
    response = admin_api.post(f"/pipelines/{pipeline.id}/stages", json={"name": "new"})
    assert "name" in assert_error(response, 422)["fields"]


def test_adding_a_stage_with_a_non_boolean_flag_is_refused(admin_api, pipeline):
    response = admin_api.post(f"/pipelines/{pipeline.id}/stages",
                              json={"name": "Later", "is_proposal": 1})
    assert "is_proposal" in assert_error(response, 422)["fields"]


def test_admin_renames_marks_and_moves_a_stage(admin_api, pipeline):
    stage = pipeline.stages[1]
    response = admin_api.patch(f"/stages/{stage.id}",
                               json={"name": "Called", "is_proposal": True, "move": "up",
                                     "stale_days": 10})
    assert response.status_code == 200
    assert response.get_json() == {
        "id": stage.id, "pipeline_id": pipeline.id, "name": "Called", "position": 0,
        "is_proposal": True, "stale_days": 10, "win_probability": 30,
    }
    names = [s["name"] for s in admin_api.get(f"/pipelines/{pipeline.id}").get_json()["stages"]]
    assert names == ["Called", "New", "Proposal", "Negotiation"]


def test_moving_a_stage_sideways_is_refused(admin_api, pipeline):
    response = admin_api.patch(f"/stages/{pipeline.stages[0].id}", json={"move": "left"})
    assert "move" in assert_error(response, 422)["fields"]


def test_admin_deletes_an_empty_stage(admin_api, pipeline):
    assert admin_api.delete(f"/stages/{pipeline.stages[3].id}").status_code == 204
    stages = admin_api.get(f"/pipelines/{pipeline.id}").get_json()["stages"]
    assert [s["name"] for s in stages] == ["New", "Contacted", "Proposal"]


def test_deleting_a_stage_that_holds_leads_is_refused(admin_api, pipeline):
    LeadFactory(stage=pipeline.stages[0])
    assert_error(admin_api.delete(f"/stages/{pipeline.stages[0].id}"), 422, "invalid")


def test_deleting_an_unknown_stage_is_404(admin_api):
    assert_error(admin_api.delete("/stages/9999"), 404, "not_found")


@pytest.mark.parametrize("days", [0, -1, 366, "ten", 1.5, True])
def test_stale_days_out_of_range_are_refused_naming_the_field(admin_api, pipeline, days):
    stage = pipeline.stages[1]
    response = admin_api.patch(f"/stages/{stage.id}", json={"stale_days": days})
    assert response.status_code == 422
    assert "stale_days" in response.get_json()["error"]["fields"]
    assert admin_api.get(f"/stages/{stage.id}").get_json()["stale_days"] is None


def test_stale_days_can_be_turned_off_again(admin_api, pipeline):
    stage = pipeline.stages[1]
    admin_api.patch(f"/stages/{stage.id}", json={"stale_days": 7})
    response = admin_api.patch(f"/stages/{stage.id}", json={"stale_days": None})
    assert response.get_json()["stale_days"] is None


def test_new_stages_get_a_win_probability_by_their_place(admin_api):
    response = admin_api.post("/pipelines", json={"name": "Renewals",
                                                  "stages": ["A", "B", "C", "D", "E", "F"]})
    assert [s["win_probability"] for s in response.get_json()["stages"]] == [
        10, 30, 50, 70, 90, 90]


def test_admin_sets_a_stages_win_probability(admin_api, pipeline):
    stage = pipeline.stages[1]
    response = admin_api.patch(f"/stages/{stage.id}", json={"win_probability": 65})
    assert response.status_code == 200
    assert response.get_json()["win_probability"] == 65


@pytest.mark.parametrize("percent", [-1, 101, "many", 12.5, True, None])
def test_win_probability_out_of_range_is_refused_naming_the_field(admin_api, pipeline, percent):
    stage = pipeline.stages[1]
    response = admin_api.patch(f"/stages/{stage.id}", json={"win_probability": percent})
    assert "win_probability" in assert_error(response, 422)["fields"]
    assert admin_api.get(f"/stages/{stage.id}").get_json()["win_probability"] == 30


@pytest.mark.parametrize(("path", "body", "field", "said"), [
    ("/pipelines/{pipeline}/stages", {"name": "Y", "bogus": 1}, "bogus",
     "There is no such field."),
    ("/pipelines/{pipeline}/stages", {"name": "Y", "win_probability": 5}, "win_probability",
     "There is no such field."),
    ("/pipelines", {"name": "X", "stages": ["A"], "colour": "red"}, "colour",
     "There is no such field."),
])
def test_a_field_the_request_does_not_take_is_named_not_dropped(admin_api, pipeline, path,
                                                                body, field, said):
    response = admin_api.post(path.format(pipeline=pipeline.id), json=body)
    error = assert_error(response, 422)
    assert error["fields"] == {field: said}


@pytest.mark.parametrize(("body", "field", "said"), [
    ({"win_probability": "50"}, "win_probability", "Must be a whole number."),
    ({"stale_days": True}, "stale_days", "Must be a whole number."),
    ({"is_proposal": "yes"}, "is_proposal", "Use true or false."),
    ({"name": 5}, "name", "Must be text."),
    ({"win_probability": 10, "foo": 1}, "foo", "There is no such field."),
])
def test_a_stage_field_of_another_json_type_is_named(admin_api, pipeline, body, field, said):
    stage = pipeline.stages[0]
    response = admin_api.patch(f"/stages/{stage.id}", json=body)
    error = assert_error(response, 422)
    assert error["fields"] == {field: said}


def test_a_pipeline_rename_with_an_unknown_field_names_it(admin_api, pipeline):
    response = admin_api.patch(f"/pipelines/{pipeline.id}", json={"foo": 1})
    assert assert_error(response, 422)["fields"] == {"foo": "There is no such field."}


def test_clearing_a_stages_stale_days_with_null_is_taken(admin_api, pipeline):
    response = admin_api.patch(f"/stages/{pipeline.stages[0].id}", json={"stale_days": None})
    assert response.status_code == 200
