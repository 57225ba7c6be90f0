"""A stage's rules fire once when a lead enters it: its follow-up, a new owner, a tag, a
person told; the timeline says so. Admins set them; bad input names the field."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Activity, Lead, Notification
from kanban.models.base import today
from kanban.services import leads as lead_service
from kanban.services.stage_rules import read_rules, set_stage_rules
from kanban.words import timeline_text
from tests.factories import LeadFactory, UserFactory


def fresh(lead: Lead) -> Lead:
    db.session.expire_all()
    return db.session.get(Lead, lead.id)


def rule_entries(lead: Lead) -> list[Activity]:
    return list(db.session.scalars(select(Activity).where(
        Activity.lead_id == lead.id, Activity.kind == "system").order_by(Activity.id))
    )


def move(lead: Lead, stage) -> Lead:
    return lead_service.move_lead(lead.id, stage_id=stage.id, version=fresh(lead).version,
                                  user=None)


@pytest.fixture
def rita(app):
    return UserFactory(name="Rita Seller")


@pytest.fixture
def proposal(pipeline, rita, admin):
    stage = pipeline.stages[2]
    set_stage_rules(stage, {"follow_up_days": "3", "owner_id": str(rita.id),
                            "tag": "quote sent", "notify_user_id": str(admin.id)}, user=admin)
    return stage


def test_a_lead_entering_the_stage_gets_its_follow_up_owner_and_tag(pipeline, proposal, rita):
    lead = LeadFactory(stage=pipeline.stages[0], owner=None, tags=["fair"])
    move(lead, proposal)
    lead = fresh(lead)
    assert (lead.next_action_kind, lead.next_action_date) == ("standby",
                                                              today() + timedelta(days=3))
    assert lead.owner_id == rita.id
    assert lead.tags == ["fair", "quote sent"]


def test_the_person_the_rule_names_is_told(pipeline, proposal, admin):
    lead = LeadFactory(stage=pipeline.stages[0])
    move(lead, proposal)
    told = db.session.scalars(select(Notification).where(Notification.user_id == admin.id))
    assert [(n.kind, n.payload["stage"]) for n in told] == [("stage_rule", proposal.name)]


def test_the_timeline_says_what_the_rule_did(pipeline, proposal):
    lead = LeadFactory(stage=pipeline.stages[0])
    move(lead, proposal)
    entry = rule_entries(lead)[-1]
    text = timeline_text(entry.kind, entry.body, entry.payload)
    assert text.startswith(f"Rule of {proposal.name}: follow-up on ")
    assert "given to Rita Seller" in text and "tagged quote sent" in text


def test_a_rule_fires_once_per_entry_not_on_a_reorder(pipeline, proposal):
    first = LeadFactory(stage=pipeline.stages[0])
    move(first, proposal)
    LeadFactory(stage=proposal, title="Other")
    lead_service.move_lead(first.id, stage_id=proposal.id, version=fresh(first).version,
                           user=None)  # to the bottom of the same stage
    assert len([e for e in rule_entries(first) if e.payload.get("event") == "stage_rule"]) == 1


def test_a_stage_without_rules_changes_nothing(pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_kind="todo")
    move(lead, pipeline.stages[1])
    assert fresh(lead).next_action_kind == "todo"
    assert [e for e in rule_entries(lead) if e.payload.get("event") == "stage_rule"] == []


def test_zero_days_means_to_do_today(pipeline, admin):
    stage = pipeline.stages[1]
    set_stage_rules(stage, {"follow_up_days": "0"}, user=admin)
    lead = LeadFactory(stage=pipeline.stages[0], next_action_kind="standby",
                       next_action_date=today() + timedelta(days=9))
    move(lead, stage)
    assert (fresh(lead).next_action_kind, fresh(lead).next_action_date) == ("todo", today())


def test_a_person_who_left_is_not_given_leads(pipeline, admin):
    gone = UserFactory(name="Gone")
    stage = pipeline.stages[1]
    set_stage_rules(stage, {"owner_id": str(gone.id)}, user=admin)
    gone.active = False
    db.session.commit()
    lead = LeadFactory(stage=pipeline.stages[0], owner=None)
    move(lead, stage)
    assert fresh(lead).owner_id is None


@pytest.mark.parametrize("data, field", [
    ({"follow_up_days": "-1"}, "follow_up_days"), ({"follow_up_days": "999"}, "follow_up_days"),
    ({"follow_up_days": "soon"}, "follow_up_days"), ({"owner_id": "99999"}, "owner_id"),
    ({"notify_user_id": "x"}, "notify_user_id"), ({"tag": "t" * 65}, "tag"),
])
def test_bad_rules_name_their_field(app, data, field):
    with pytest.raises(ValidationError) as refused:
        read_rules(data)
    assert set(refused.value.fields) == {field}


def test_admins_set_rules_on_the_pipelines_page(admin_client, pipeline, rita):
    stage = pipeline.stages[1]
    response = admin_client.post(f"/admin/stages/{stage.id}/rules", data={
        "follow_up_days": "2", "owner_id": str(rita.id), "tag": "", "notify_user_id": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert stage.rules == {"follow_up_days": 2, "owner_id": rita.id}
    page = admin_client.get("/admin/pipelines").text
    assert f'id="stage-{stage.id}-rule-days"' in page and "2 rules" in page


def test_a_refused_rule_is_said_on_the_page(admin_client, pipeline):
    response = admin_client.post(f"/admin/stages/{pipeline.stages[1].id}/rules",
                                 data={"follow_up_days": "999"})
    assert response.status_code == 422
    assert "The rules of this stage are not saved" in response.text


def test_a_refused_rule_opens_its_form_as_typed_with_the_bad_field_named(admin_client,
                                                                         pipeline):
    stage = pipeline.stages[1]
    response = admin_client.post(f"/admin/stages/{stage.id}/rules",
                                 data={"follow_up_days": "abc", "tag": "hot"})
    assert response.status_code == 422
    page = response.text
    assert re.search(rf'id="stage-{stage.id}-rule-days-error"[^>]*>[^<]+', page)
    assert re.search(rf'id="stage-{stage.id}-rule-tag" [^>]*value="hot"', page)
    assert '<details class="stage-rules" open>' in page
    assert page.count('<details class="stage-rules" open>') == 1


def test_members_cannot_set_rules(member_client, pipeline):
    response = member_client.post(f"/admin/stages/{pipeline.stages[1].id}/rules",
                                  data={"follow_up_days": "2"})
    assert response.status_code == 403
