"""A refused form is shown again at the address it was posted to: that address, opened
again (a reload, the address bar, a bookmark), is the page the form is on, never a 405."""

from __future__ import annotations

import pytest

from tests.factories import LeadFactory

LEAD_FORMS = ["notes", "move", "close", "reopen", "client", "duplicate"]


@pytest.mark.parametrize("form", LEAD_FORMS)
def test_opening_a_lead_forms_address_shows_the_lead_page(member_client, pipeline, form):
    lead = LeadFactory(stage=pipeline.stages[0])

    response = member_client.get(f"/leads/{lead.id}/{form}")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/leads/{lead.id}"


def test_a_refused_touch_gives_the_page_back_the_lead_pages_address(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])

    response = member_client.post(f"/leads/{lead.id}/notes", data={
        "kind": "call", "body": "Spoke to Joana",
    })

    assert response.status_code == 422
    assert "Spoke to Joana</textarea>" in response.text  # what was typed stays
    assert f'data-page-address="/leads/{lead.id}"' in response.text
    assert "js/page_address.js" in response.text


def test_a_refused_move_gives_the_page_back_the_lead_pages_address(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])

    response = member_client.post(f"/leads/{lead.id}/move", data={
        "stage_id": "nonsense", "version": str(lead.version),
    })

    assert response.status_code == 422
    assert f'data-page-address="/leads/{lead.id}"' in response.text


def test_the_lead_pages_address_keeps_where_it_goes_back_to(member_client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member, status="won")  # off the agenda

    response = member_client.post(f"/leads/{lead.id}/move", data={
        "stage_id": "nonsense", "version": str(lead.version), "return_to": "/agenda",
    })

    assert f'data-page-address="/leads/{lead.id}?return_to=/agenda"' in response.text


def test_a_touch_refused_on_the_agenda_gives_back_the_agendas_address(
    member_client, member, pipeline
):
    item = LeadFactory(stage=pipeline.stages[0], owner=member)

    response = member_client.post(f"/leads/{item.id}/notes", data={
        "kind": "call", "body": "Spoke to Joana", "return_to": "/agenda?sort=next_action",
    })

    assert response.status_code == 422
    assert 'data-page-address="/agenda?sort=next_action"' in response.text


def test_a_page_opened_at_its_own_address_keeps_it(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])

    page = member_client.get(f"/leads/{lead.id}").text

    assert "data-page-address" not in page
    assert "js/page_address.js" not in page


def test_opening_a_pipeline_forms_address_shows_the_pipelines_page(admin_client, pipeline):
    stage = pipeline.stages[0]

    for path in (f"/admin/stages/{stage.id}/rename", f"/admin/stages/{stage.id}/probability",
                 f"/admin/pipelines/{pipeline.id}/rename"):
        response = admin_client.get(path)
        assert (response.status_code, response.headers["Location"]) == (303,
                                                                         "/admin/pipelines")


def test_a_refused_stage_name_gives_the_page_back_the_pipelines_address(admin_client,
                                                                        pipeline):
    response = admin_client.post(f"/admin/stages/{pipeline.stages[0].id}/rename",
                                 data={"name": pipeline.stages[1].name})

    assert response.status_code == 422
    assert 'data-page-address="/admin/pipelines"' in response.text


def test_opening_an_owner_rules_address_shows_the_sources_page(admin_client):
    response = admin_client.get("/admin/sources/api")

    assert (response.status_code, response.headers["Location"]) == (303, "/admin/sources")


def test_opening_the_address_that_saves_a_view_shows_the_board(member_client, pipeline):
    response = member_client.get("/board/views")

    assert (response.status_code, response.headers["Location"]) == (303, "/board")


def test_an_address_of_no_page_still_refuses_get_with_405(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])

    assert member_client.get(f"/leads/{lead.id}/star").status_code == 405
