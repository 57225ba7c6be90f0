"""A win probability per stage, set on the pipelines page, and the weighted value it gives."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kanban.extensions import db
from kanban.models import Pipeline, Stage
from kanban.services.board import column_totals
from kanban.services.queries import LeadFilter
from tests.factories import LeadFactory
from tests.web.test_board import column


def reload_stage(stage_id: int) -> Stage:
    db.session.expire_all()
    return db.session.get(Stage, stage_id)


def test_stages_get_a_win_probability_by_their_place(pipeline):
    assert [stage.win_probability for stage in pipeline.stages] == [10, 30, 50, 70]


def test_a_stage_added_at_the_end_gets_the_probability_of_its_place(admin_client, pipeline):
    admin_client.post(f"/admin/pipelines/{pipeline.id}/stages", data={"name": "Contract"})
    db.session.expire_all()
    assert db.session.get(Pipeline, pipeline.id).stages[-1].win_probability == 90


def test_column_shows_the_value_weighted_by_the_stages_win_probability(member_client, pipeline):
    contacted = pipeline.stages[1]  # 30 %
    LeadFactory(stage=contacted, value=Decimal("1000"))
    LeadFactory(stage=contacted, value=Decimal("250.50"))
    LeadFactory(stage=contacted, value=None)

    html = column(member_client.get("/board").text, contacted.id)

    assert '<span class="weighted-sum">€375.15</span>' in html
    assert "win probability of Contacted (30%)" in html


def test_weighted_value_is_summed_per_currency(app, pipeline):
    stage = pipeline.stages[2]  # 50 %
    LeadFactory(stage=stage, value=Decimal("100"), currency="EUR")
    LeadFactory(stage=stage, value=Decimal("41"), currency="USD")

    totals = column_totals(LeadFilter(pipeline_id=pipeline.id))[stage.id]

    assert totals.weighted == {"EUR": Decimal("50.00"), "USD": Decimal("20.50")}
    assert totals.totals == {"EUR": Decimal("100"), "USD": Decimal("41")}


def test_a_closed_lead_weighs_its_whole_value_if_won_and_nothing_if_lost(app, pipeline):
    stage = pipeline.stages[2]  # 50 %
    for status, value in (("won", "1000"), ("lost", "300"), ("cancelled", "200")):
        LeadFactory(stage=stage, value=Decimal(value), status=status)

    totals = column_totals(LeadFilter(pipeline_id=pipeline.id, status="closed"))[stage.id]

    assert totals.weighted == {"EUR": Decimal("1000.00")}


def test_weighted_value_follows_the_filters(app, pipeline):
    LeadFactory(stage=pipeline.stages[0], value=Decimal("500"), title="Kept")
    LeadFactory(stage=pipeline.stages[0], value=Decimal("900"), title="Other")

    totals = column_totals(LeadFilter(pipeline_id=pipeline.id, text="kept"))

    assert totals[pipeline.stages[0].id].weighted == {"EUR": Decimal("50.00")}


def test_empty_column_shows_a_zero_weighted_value(member_client, pipeline):
    html = column(member_client.get("/board").text, pipeline.stages[3].id)
    assert '<span class="weighted-sum">€0.00</span>' in html


def test_admin_sets_a_stages_win_probability(admin_client, pipeline):
    stage = pipeline.stages[1]

    response = admin_client.post(f"/admin/stages/{stage.id}/probability",
                                 data={"win_probability": "65"}, follow_redirects=True)

    assert reload_stage(stage.id).win_probability == 65
    assert "now counts as 65% likely to be won" in response.text


def test_pipelines_page_offers_each_stages_win_probability(admin_client, pipeline):
    html = admin_client.get("/admin/pipelines").text
    stage = pipeline.stages[2]
    assert (f'<input id="stage-{stage.id}-probability" name="win_probability" type="number" '
            'min="0" max="100"') in html
    assert 'value="50" required' in html


@pytest.mark.parametrize("typed", ["101", "-5", "", "half", "12.5"])
def test_a_win_probability_outside_0_to_100_is_refused_naming_the_field(
    admin_client, pipeline, typed
):
    stage = pipeline.stages[1]

    response = admin_client.post(f"/admin/stages/{stage.id}/probability",
                                 data={"win_probability": typed})

    assert response.status_code == 422
    assert "Win probability: use a whole number from 0 to 100." in response.text
    assert reload_stage(stage.id).win_probability == 30


def test_members_cannot_set_a_win_probability(member_client, pipeline):
    stage = pipeline.stages[1]
    response = member_client.post(f"/admin/stages/{stage.id}/probability",
                                  data={"win_probability": "99"})
    assert response.status_code == 403
    assert reload_stage(stage.id).win_probability == 30


def test_win_probability_of_an_unknown_stage_is_404(admin_client):
    response = admin_client.post("/admin/stages/99999/probability", data={"win_probability": "5"})
    assert response.status_code == 404
