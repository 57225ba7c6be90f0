"""Reading pipelines and stages."""

from __future__ import annotations

from tests.api.conftest import assert_error
from tests.factories import PipelineFactory


def test_list_pipelines_shows_each_pipeline_with_its_stages_in_order(api, pipeline):
    PipelineFactory(name="Renewals", stages=["Due", "Signed"])
    response = api.get("/pipelines")
    assert response.status_code == 200
    pipelines = response.get_json()["pipelines"]
    assert [p["name"] for p in pipelines] == ["Sales", "Renewals"]
    assert [s["name"] for s in pipelines[0]["stages"]] == [
        "New", "Contacted", "Proposal", "Negotiation"
    ]
    assert pipelines[0]["stages"][2]["is_proposal"] is True


def test_show_pipeline_returns_it(api, pipeline):
    response = api.get(f"/pipelines/{pipeline.id}")
    assert response.status_code == 200
    assert response.get_json()["id"] == pipeline.id
    assert len(response.get_json()["stages"]) == 4


def test_show_unknown_pipeline_is_404_json(api, pipeline):
    assert_error(api.get(f"/pipelines/{pipeline.id + 1}"), 404, "not_found")


def test_show_stage_returns_it_with_its_pipeline(api, pipeline):
    stage = pipeline.stages[1]
    response = api.get(f"/stages/{stage.id}")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": stage.id, "pipeline_id": pipeline.id, "name": "Contacted", "position": 1,
        "is_proposal": False, "stale_days": None, "win_probability": 30,
    }


def test_show_unknown_stage_is_404_json(api, pipeline):
    assert_error(api.get("/stages/9999"), 404, "not_found")


def test_id_too_large_for_the_database_is_404_not_a_server_error(api, pipeline):
    assert_error(api.get("/stages/99999999999999999999999"), 404, "not_found")
