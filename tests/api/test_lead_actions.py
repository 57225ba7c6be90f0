"""Moving, closing, reopening leads and writing on their timeline."""

from __future__ import annotations

from kanban.extensions import db
from kanban.models import Lead
from kanban.services.ordering import column_order
from tests.api.conftest import assert_error
from tests.factories import LeadFactory, PipelineFactory, StageFactory


def move(api, lead, **body):
    return api.post(f"/leads/{lead.id}/move", json={"version": lead.version, **body})


def test_move_to_another_stage_goes_to_the_bottom_without_neighbours(api, column, pipeline):
    target = pipeline.stages[1]
    already = LeadFactory(stage=target)
    response = move(api, column[0], stage_id=target.id)
    assert response.status_code == 200
    assert response.get_json()["stage_id"] == target.id
    assert response.get_json()["version"] == 2
    assert column_order(target.id) == [already.id, column[0].id]


def test_move_with_before_id_lands_above_that_card(api, column):
    alpha, beta, gamma = column
    response = move(api, gamma, stage_id=alpha.stage_id, before_id=beta.id)
    assert response.status_code == 200
    assert column_order(alpha.stage_id) == [alpha.id, gamma.id, beta.id]


def test_move_with_after_id_lands_below_that_card(api, column):
    alpha, beta, gamma = column
    response = move(api, alpha, stage_id=alpha.stage_id, after_id=beta.id)
    assert response.status_code == 200
    assert column_order(alpha.stage_id) == [beta.id, alpha.id, gamma.id]


def test_move_between_two_adjacent_cards(api, column):
    alpha, beta, gamma = column
    response = move(api, gamma, stage_id=alpha.stage_id, after_id=alpha.id, before_id=beta.id)
    assert response.status_code == 200
    assert column_order(alpha.stage_id) == [alpha.id, gamma.id, beta.id]


def test_move_records_the_stage_change_on_the_timeline(api, column, pipeline):
    move(api, column[0], stage_id=pipeline.stages[1].id)
    activity = api.get(f"/leads/{column[0].id}/activities").get_json()["activities"][0]
    assert activity["kind"] == "stage_change"
    assert activity["payload"]["to"] == "Contacted"


def test_stale_version_move_is_refused_with_409_and_the_column_order(api, column, pipeline):
    alpha, beta, gamma = column
    target = pipeline.stages[1]
    response = api.post(f"/leads/{alpha.id}/move", json={"stage_id": target.id, "version": 7})
    error = assert_error(response, 409, "conflict")
    assert error["order"] == []
    assert error["stage_id"] == target.id
    assert error["lead"] == {"id": alpha.id, "stage_id": alpha.stage_id, "version": 1}


def test_move_between_cards_no_longer_adjacent_is_refused_with_409(api, column, pipeline):
    alpha, beta, gamma = column
    newcomer = LeadFactory(stage=pipeline.stages[1])
    # The person saw Alpha and Gamma adjacent, but Beta sits between them now.
    response = move(api, newcomer, stage_id=alpha.stage_id, after_id=alpha.id, before_id=gamma.id)
    error = assert_error(response, 409, "conflict")
    assert error["order"] == [alpha.id, beta.id, gamma.id]
    assert error["stage_id"] == alpha.stage_id


def test_move_next_to_a_card_in_another_stage_is_refused_with_409(api, column, pipeline):
    elsewhere = LeadFactory(stage=pipeline.stages[1])
    response = move(api, column[0], stage_id=column[0].stage_id, before_id=elsewhere.id)
    error = assert_error(response, 409, "conflict")
    assert error["order"] == [lead.id for lead in column]


def test_move_to_a_stage_that_no_longer_exists_is_a_409_so_the_board_reloads(api, column,
                                                                             pipeline):
    gone = StageFactory(pipeline=pipeline, name="Deleted since")
    gone_id = gone.id
    db.session.delete(gone)
    db.session.commit()
    error = assert_error(move(api, column[0], stage_id=gone_id), 409, "conflict")
    assert "stage_id" in error["fields"] and "no longer exists" in error["message"]


def test_move_to_a_stage_that_never_existed_is_refused_with_422(api, column):
    error = assert_error(move(api, column[0], stage_id=9999), 422, "invalid")
    assert error["message"] == "There is no such stage."
    assert "stage_id" in error["fields"]


def test_move_to_a_stage_id_that_is_not_an_id_is_refused_with_422(api, column):
    error = assert_error(move(api, column[0], stage_id="seven"), 422, "invalid")
    assert "stage_id" in error["fields"]


def test_move_to_a_stage_of_another_pipeline_is_refused_with_422(api, column):
    other = PipelineFactory(stages=["Elsewhere"]).stages[0]
    error = assert_error(move(api, column[0], stage_id=other.id), 422, "invalid")
    assert "stage_id" in error["fields"]
    db.session.expire_all()
    assert db.session.get(Lead, column[0].id).stage_id == column[0].stage_id


def test_move_next_to_an_unknown_card_is_refused_with_422(api, column):
    error = assert_error(move(api, column[0], stage_id=column[0].stage_id, after_id=9999), 422)
    assert "after_id" in error["fields"]


def test_move_next_to_itself_is_refused_with_422(api, column):
    error = assert_error(
        move(api, column[0], stage_id=column[0].stage_id, before_id=column[0].id), 422
    )
    assert "before_id" in error["fields"]


def test_move_without_version_is_refused_with_422(api, column):
    response = api.post(f"/leads/{column[0].id}/move", json={"stage_id": column[0].stage_id})
    assert "version" in assert_error(response, 422)["fields"]


def test_move_of_an_unknown_lead_is_404(api, column):
    response = api.post("/leads/9999/move", json={"stage_id": column[0].stage_id, "version": 1})
    assert_error(response, 404, "not_found")


def test_close_lead_as_won(api, column):
    response = api.post(f"/leads/{column[0].id}/close", json={"status": "won", "version": 1})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "won"
    assert body["closed_at"] is not None


def test_close_lead_as_lost_keeps_the_reason(api, column):
    response = api.post(f"/leads/{column[0].id}/close",
                        json={"status": "lost", "lost_reason": "Price"})
    assert response.get_json()["lost_reason"] == "Price"


def test_close_lead_as_lost_without_a_reason_is_refused(api, column):
    error = assert_error(api.post(f"/leads/{column[0].id}/close", json={"status": "lost"}), 422)
    assert "lost_reason" in error["fields"]


def test_close_lead_with_an_unknown_status_is_refused(api, column):
    error = assert_error(api.post(f"/leads/{column[0].id}/close", json={"status": "open"}), 422)
    assert "status" in error["fields"]


def test_close_lead_with_stale_version_is_refused_with_409(api, column):
    response = api.post(f"/leads/{column[0].id}/close", json={"status": "won", "version": 3})
    assert assert_error(response, 409)["order"] == [lead.id for lead in column]


def test_closing_a_closed_lead_is_a_conflict(api, column):
    api.post(f"/leads/{column[0].id}/close", json={"status": "won"})
    assert_error(api.post(f"/leads/{column[0].id}/close", json={"status": "won"}), 409)


def test_reopen_lead_puts_it_back_as_to_do(api, column):
    api.post(f"/leads/{column[0].id}/close", json={"status": "cancelled"})
    response = api.post(f"/leads/{column[0].id}/reopen")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["closed_at"], body["next_action_kind"]) == ("open", None, "todo")


def test_reopen_lead_with_stale_version_is_refused_with_409(api, column):
    api.post(f"/leads/{column[0].id}/close", json={"status": "won"})
    response = api.post(f"/leads/{column[0].id}/reopen", json={"version": 1})
    assert_error(response, 409, "conflict")


def test_activities_are_listed_newest_first(api, column):
    lead = column[0]
    api.post(f"/leads/{lead.id}/notes", json={"body": "First call", "kind": "call"})
    api.post(f"/leads/{lead.id}/notes", json={"body": "Then a note"})
    response = api.get(f"/leads/{lead.id}/activities")
    assert response.status_code == 200
    bodies = [a["body"] for a in response.get_json()["activities"]]
    assert bodies == ["Then a note", "First call"]


def test_activities_come_a_page_at_a_time_with_their_total(api, column):
    lead = column[0]
    for n in range(5):
        api.post(f"/leads/{lead.id}/notes", json={"body": f"Note {n}"})
    total = api.get(f"/leads/{lead.id}/activities").get_json()["total"]

    second = api.get(f"/leads/{lead.id}/activities?per_page=2&page=2").get_json()

    assert [a["body"] for a in second["activities"]] == ["Note 2", "Note 1"]
    assert (second["page"], second["per_page"], second["total"]) == (2, 2, total)


def test_a_bad_activities_page_is_refused_naming_it(api, column):
    response = api.get(f"/leads/{column[0].id}/activities?page=0&per_page=x")

    assert_error(response, 422)
    assert set(response.get_json()["error"]["fields"]) == {"page", "per_page"}


def test_activities_of_an_unknown_lead_is_404(api, pipeline):
    assert_error(api.get("/leads/9999/activities"), 404)


def test_add_note_returns_the_new_entry(api, column, member):
    response = api.post(f"/leads/{column[0].id}/notes", json={"body": " Called back ",
                                                               "kind": "call"})
    assert response.status_code == 201
    activity = response.get_json()
    assert (activity["body"], activity["kind"]) == ("Called back", "call")
    assert (activity["lead_id"], activity["author_id"]) == (column[0].id, member.id)


def test_add_note_of_an_unknown_kind_is_refused(api, column):
    response = api.post(f"/leads/{column[0].id}/notes", json={"body": "x", "kind": "system"})
    assert "kind" in assert_error(response, 422)["fields"]


def test_add_empty_note_is_refused(api, column):
    response = api.post(f"/leads/{column[0].id}/notes", json={"body": "   "})
    assert "body" in assert_error(response, 422)["fields"]


def test_note_does_not_change_the_lead_version(api, column):
    api.post(f"/leads/{column[0].id}/notes", json={"body": "A note"})
    assert api.get(f"/leads/{column[0].id}").get_json()["version"] == 1
