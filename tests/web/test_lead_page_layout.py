"""The lead page reads top to bottom as where the lead is (the stage bar), what is next,
and what happened (the timeline), with rare actions in a menu."""

from __future__ import annotations

import re

from kanban.extensions import db
from kanban.models import Lead
from tests.factories import LeadFactory


def reload(lead: Lead) -> Lead:
    db.session.expire_all()
    return db.session.get(Lead, lead.id)


def stage_bar(html: str) -> str:
    return html[html.index('<nav class="stage-bar"'):html.index("</nav>", html.index(
        '<nav class="stage-bar"'))]


def test_the_stage_bar_shows_every_stage_in_board_order(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[1])
    bar = stage_bar(member_client.get(f"/leads/{lead.id}").text)
    names = [stage.name for stage in pipeline.stages]
    positions = [bar.index(f">{name}<") for name in names]
    assert positions == sorted(positions)


def test_the_current_stage_is_marked_and_is_not_a_button(member_client, pipeline):
    current = pipeline.stages[1]
    lead = LeadFactory(stage=current)
    bar = stage_bar(member_client.get(f"/leads/{lead.id}").text)
    assert f'aria-current="step">{current.name}</span>' in bar
    assert f'name="stage_id" value="{current.id}"' not in bar


def test_every_other_stage_is_a_button_that_moves_the_lead(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    bar = stage_bar(member_client.get(f"/leads/{lead.id}").text)
    for stage in pipeline.stages[1:]:
        assert f'name="stage_id" value="{stage.id}"' in bar
    version = re.search(r'name="version" value="(\d+)"', bar).group(1)

    response = member_client.post(f"/leads/{lead.id}/move", data={
        "stage_id": str(pipeline.stages[2].id), "version": version})

    assert response.status_code == 302
    assert reload(lead).stage_id == pipeline.stages[2].id


def test_won_is_one_click_at_the_end_of_the_bar(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    bar = stage_bar(member_client.get(f"/leads/{lead.id}").text)
    assert 'name="status" value="won"' in bar


def test_lost_asks_for_the_reason_first(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    bar = stage_bar(member_client.get(f"/leads/{lead.id}").text)
    lost = bar[bar.index('<details class="stage-lost"'):]
    assert '<input type="hidden" name="status" value="lost">' in lost
    assert 'name="lost_reason"' in lost and 'name="lost_reason_text"' in lost
    assert '<details class="stage-lost">' in bar  # closed until asked


def test_lost_without_a_reason_comes_back_with_the_question_open(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = member_client.post(f"/leads/{lead.id}/close", data={
        "status": "lost", "lost_reason": "", "version": str(lead.version)})
    assert response.status_code == 422
    assert '<details class="stage-lost" open>' in response.text
    assert reload(lead).status == "open"


def test_a_closed_lead_shows_its_outcome_and_can_only_be_reopened(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[1], status="won")
    bar = stage_bar(member_client.get(f"/leads/{lead.id}").text)
    assert 'name="stage_id"' not in bar
    assert 'class="stage-end end-won" aria-current="step">Won</span>' in bar
    assert "Reopen the lead" in bar


def test_delete_is_in_the_menu_for_managers_only(manager_client, member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    manager_page = manager_client.get(f"/leads/{lead.id}").text
    member_page = member_client.get(f"/leads/{lead.id}").text
    menu = manager_page[manager_page.index('<details class="menu">'):]
    assert f'href="/leads/{lead.id}/delete"' in menu[:menu.index("</details>")]
    assert f'href="/leads/{lead.id}/delete"' not in member_page


def test_cancelling_from_the_menu_closes_the_lead_as_cancelled(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    page = member_client.get(f"/leads/{lead.id}").text
    assert 'name="status" value="cancelled"' in page

    member_client.post(f"/leads/{lead.id}/close", data={
        "status": "cancelled", "version": str(lead.version)})

    assert reload(lead).status == "cancelled"


def test_the_timeline_comes_before_the_details(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    page = member_client.get(f"/leads/{lead.id}").text
    assert page.index('id="log-touch"') < page.index('id="timeline-title"') < page.index(
        'id="facts-title"')


def test_the_composer_starts_as_one_line(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    page = member_client.get(f"/leads/{lead.id}").text
    assert 'class="stacked touch-form composer"' in page
    assert '<div class="composer-more">' in page


def test_the_composer_stays_open_when_a_touch_is_refused(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = member_client.post(f"/leads/{lead.id}/notes", data={
        "kind": "call", "body": "Called, no follow-up chosen", "version": str(lead.version)})
    assert response.status_code == 422
    assert 'class="stacked touch-form composer is-open"' in response.text
