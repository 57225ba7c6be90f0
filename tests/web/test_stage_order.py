"""Stages reordered by dragging on the pipelines page: the order the drop sends."""

from __future__ import annotations

import pytest

from kanban.extensions import db
from kanban.models import Pipeline
from tests.factories import PipelineFactory

JSON = {"Accept": "application/json"}


def stage_names(pipeline_id: int) -> list[str]:
    db.session.expire_all()
    return [stage.name for stage in db.session.get(Pipeline, pipeline_id).stages]


def order_url(pipeline) -> str:
    return f"/admin/pipelines/{pipeline.id}/stage-order"


def test_a_drop_puts_the_stages_in_the_order_sent(admin_client, pipeline):
    new, contacted, proposal, negotiation = (s.id for s in pipeline.stages)

    response = admin_client.post(order_url(pipeline), headers=JSON,
                                 json={"stage_ids": [proposal, new, contacted, negotiation]})

    assert response.status_code == 200
    assert response.get_json() == {"stage_ids": [proposal, new, contacted, negotiation]}
    assert stage_names(pipeline.id) == ["Proposal", "New", "Contacted", "Negotiation"]


def test_the_new_order_is_announced_on_the_reloaded_page(admin_client, pipeline):
    ids = [s.id for s in reversed(pipeline.stages)]
    admin_client.post(order_url(pipeline), headers=JSON, json={"stage_ids": ids})

    assert "The stages of Sales are in their new order." in admin_client.get(
        "/admin/pipelines").text


def test_pipelines_page_gives_each_list_its_order_address_and_stage_ids(admin_client, pipeline):
    html = admin_client.get("/admin/pipelines").text
    assert f'data-order-url="/admin/pipelines/{pipeline.id}/stage-order"' in html
    for stage in pipeline.stages:
        assert f'<li class="stage-admin" data-stage-id="{stage.id}">' in html
    assert "js/stage_order.js" in html


def test_the_move_buttons_stay_for_the_keyboard(admin_client, pipeline):
    html = admin_client.get("/admin/pipelines").text
    assert "Move Contacted left" in html and "Move Contacted right" in html


def test_a_stage_of_another_pipeline_is_refused_with_409(admin_client, pipeline):
    other = PipelineFactory(stages=["Elsewhere"])
    ids = [s.id for s in pipeline.stages[:3]] + [other.stages[0].id]

    response = admin_client.post(order_url(pipeline), headers=JSON, json={"stage_ids": ids})

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert "have changed since this page was loaded" in error["message"]
    assert "stage_ids" in error["fields"]
    assert stage_names(pipeline.id) == ["New", "Contacted", "Proposal", "Negotiation"]


@pytest.mark.parametrize("drop", [slice(0, 3), slice(0, 5)], ids=["one missing", "all"])
def test_an_order_missing_a_stage_is_refused_with_409(admin_client, pipeline, drop):
    ids = [s.id for s in pipeline.stages][drop]
    if len(ids) == 4:
        ids.append(ids[0])  # one stage twice
    response = admin_client.post(order_url(pipeline), headers=JSON, json={"stage_ids": ids})
    assert response.status_code == 409
    assert stage_names(pipeline.id) == ["New", "Contacted", "Proposal", "Negotiation"]


@pytest.mark.parametrize("body", [{}, {"stage_ids": "1,2"}, {"stage_ids": [1, "2"]},
                                  {"stage_ids": [True]}, ["not", "an", "object"]])
def test_a_malformed_order_is_refused_with_400_in_plain_words(admin_client, pipeline, body):
    response = admin_client.post(order_url(pipeline), headers=JSON, json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "Send the stages' ids in their new order."


def test_an_unknown_pipeline_is_404(admin_client):
    response = admin_client.post("/admin/pipelines/9999/stage-order", headers=JSON,
                                 json={"stage_ids": []})
    assert response.status_code == 404


def test_members_cannot_reorder_stages(member_client, pipeline):
    ids = [s.id for s in reversed(pipeline.stages)]
    response = member_client.post(order_url(pipeline), headers=JSON, json={"stage_ids": ids})
    assert response.status_code == 403
    assert stage_names(pipeline.id)[0] == "New"


class TestWithCsrfOn:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_a_drop_without_the_token_is_refused(self, admin_client, pipeline):
        ids = [s.id for s in reversed(pipeline.stages)]
        response = admin_client.post(order_url(pipeline), headers=JSON, json={"stage_ids": ids})
        assert response.status_code == 400
        assert stage_names(pipeline.id)[0] == "New"
