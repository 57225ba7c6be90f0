"""A stage may say after how many untouched days a lead goes stale; managers see who lets
leads go stale or overdue, and hand leads over in bulk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Lead
from kanban.services import leads as lead_service
from kanban.services.queries import STALE, LeadFilter, filter_leads
from kanban.services.team import reassign_leads, team_load
from tests.factories import LeadFactory, UserFactory

DAY = date(2026, 11, 30)


def touched(days_ago: int) -> datetime:
    return datetime.combine(DAY - timedelta(days=days_ago), datetime.min.time(), UTC) + \
        timedelta(hours=10)


@pytest.fixture
def contacted(pipeline):
    stage = pipeline.stages[1]
    stage.stale_days = 7
    db.session.commit()
    return stage


def stale_titles(day: date = DAY) -> list[str]:
    return sorted(db.session.scalars(
        filter_leads(LeadFilter(attention=STALE), select(Lead.title), on=day)
    ))


def test_a_lead_untouched_for_longer_than_its_stage_allows_is_stale(contacted):
    lead = LeadFactory(stage=contacted, title="Quiet", touched_at=touched(8))
    LeadFactory(stage=contacted, title="Just in time", touched_at=touched(7))
    assert lead.is_stale(DAY) and lead.days_untouched(DAY) == 8
    assert stale_titles() == ["Quiet"]


def test_a_stage_without_a_limit_never_makes_leads_stale(pipeline):
    LeadFactory(stage=pipeline.stages[0], touched_at=touched(300))
    assert stale_titles() == []


def test_a_lead_in_standby_is_not_stale_until_its_date(contacted):
    lead = LeadFactory(stage=contacted, title="Waiting", touched_at=touched(30),
                       next_action_kind="standby", next_action_date=DAY + timedelta(days=2))
    assert not lead.is_stale(DAY) and stale_titles() == []
    assert lead.is_stale(DAY + timedelta(days=2))
    assert stale_titles(DAY + timedelta(days=2)) == ["Waiting"]


def test_a_closed_lead_is_never_stale(contacted):
    lead = LeadFactory(stage=contacted, status="won", touched_at=touched(30))
    assert not lead.is_stale(DAY) and stale_titles() == []


def test_a_note_makes_a_stale_lead_fresh(contacted, member):
    lead = LeadFactory(stage=contacted, title="Quiet", touched_at=touched(30))
    lead_service.add_note(lead, "Called: they still think about it", kind="call", user=member)
    assert stale_titles(date.today()) == []


def test_a_system_line_on_the_timeline_is_not_a_touch(contacted, member):
    lead = LeadFactory(stage=contacted, title="Quiet", touched_at=touched(30))
    lead_service.add_note(lead, "New lead #7 for a renewal.", kind="system", user=member,
                          payload={"event": "duplicated", "to": 7})
    assert stale_titles(DAY) == ["Quiet"]


def test_moving_to_another_stage_makes_a_stale_lead_fresh(contacted, pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0], touched_at=touched(30))
    lead_service.move_lead(lead.id, stage_id=contacted.id, version=lead.version, user=member)
    db.session.expire_all()
    assert not db.session.get(Lead, lead.id).is_stale(date.today())


def test_a_stale_card_says_so_on_the_board(member_client, pipeline):
    stage = pipeline.stages[1]
    stage.stale_days = 3
    db.session.commit()
    LeadFactory(stage=stage, title="Quiet", touched_at=datetime.now(UTC) - timedelta(days=9))
    html = member_client.get("/board").text
    assert "Stale: untouched for 9 days" in html
    assert "Quiet" in member_client.get("/board?attention=stale").text


def test_admins_set_a_stages_stale_limit_on_the_pipelines_page(admin_client, pipeline):
    stage = pipeline.stages[1]
    response = admin_client.post(f"/admin/stages/{stage.id}/stale", data={"stale_days": "10"})
    assert response.status_code == 302
    db.session.expire_all()
    assert stage.stale_days == 10
    bad = admin_client.post(f"/admin/stages/{stage.id}/stale", data={"stale_days": "0"})
    assert bad.status_code == 422 and "from 1 to 365" in bad.text


# The team view ---------------------------------------------------------------------------------


def test_team_load_counts_each_owners_open_overdue_stale_and_proposals(contacted, pipeline):
    ana, rui = UserFactory(name="Ana"), UserFactory(name="Rui")
    LeadFactory(stage=contacted, owner=ana, touched_at=touched(9))
    LeadFactory(stage=contacted, owner=ana, next_action_date=DAY - timedelta(days=1),
                touched_at=touched(1))
    LeadFactory(stage=pipeline.stages[2], owner=ana, next_action_kind="standby",
                next_action_date=DAY + timedelta(days=5))
    LeadFactory(stage=contacted, owner=rui, status="lost")
    LeadFactory(stage=pipeline.stages[0], owner=None)
    loads = {load.owner.name if load.owner else None: load for load in team_load(DAY)}
    ana_load = loads["Ana"]
    assert (ana_load.open, ana_load.to_do, ana_load.overdue, ana_load.stale,
            ana_load.proposals) == (3, 2, 1, 1, 1)
    assert loads["Rui"].open == 0
    assert loads[None].open == 1


def test_the_team_page_is_for_managers(member_client, manager_client):
    assert member_client.get("/team").status_code == 403
    assert manager_client.get("/team").status_code == 200


def test_a_manager_hands_leads_over_in_one_go(manager, pipeline):
    ana, rui = UserFactory(name="Ana"), UserFactory(name="Rui")
    leads = [LeadFactory(stage=pipeline.stages[0], owner=ana) for _ in range(3)]
    count = reassign_leads([str(leads[0].id), leads[1].id], rui.id, user=manager)
    db.session.expire_all()
    assert count == 2
    assert [db.session.get(Lead, lead.id).owner_id for lead in leads] == [rui.id, rui.id, ana.id]
    assert db.session.get(Lead, leads[0].id).activities[-1].payload == {
        "changes": {"owner_id": [ana.id, rui.id]}}


def test_handing_over_needs_ticked_leads_and_a_person(manager, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    with pytest.raises(ValidationError) as nothing:
        reassign_leads([], UserFactory().id, user=manager)
    with pytest.raises(ValidationError) as nobody:
        reassign_leads([lead.id], "", user=manager)
    assert "lead_ids" in nothing.value.fields and "owner_id" in nobody.value.fields


def test_members_may_not_hand_leads_over(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    other = UserFactory()
    response = member_client.post("/team/leads", data={"lead_ids": [str(lead.id)],
                                                       "owner_id": str(other.id)})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).owner_id is None


def test_the_hand_over_page_lists_stale_leads_and_hands_them_over(manager_client, contacted):
    ana, rui = UserFactory(name="Ana"), UserFactory(name="Rui")
    quiet = LeadFactory(stage=contacted, owner=ana, title="Quiet",
                        touched_at=datetime.now(UTC) - timedelta(days=20))
    LeadFactory(stage=contacted, owner=ana, title="Fresh")
    page = manager_client.get(f"/team/leads?owner_id={ana.id}&attention=stale")
    assert "Quiet" in page.text and "Fresh" not in page.text
    response = manager_client.post(f"/team/leads?owner_id={ana.id}&attention=stale",
                                   data={"lead_ids": [str(quiet.id)], "owner_id": str(rui.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Lead, quiet.id).owner_id == rui.id


def test_handing_over_without_a_person_says_so_and_changes_nothing(manager_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = manager_client.post("/team/leads", data={"lead_ids": [str(lead.id)],
                                                        "owner_id": ""})
    assert response.status_code == 422
    assert "Choose who takes the leads over." in response.text


def test_unowned_leads_are_listed_with_owner_none(manager_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Orphan", owner=None)
    LeadFactory(stage=pipeline.stages[0], title="Owned", owner=UserFactory())
    html = manager_client.get("/team/leads?owner_id=none").text
    assert "Orphan" in html and "Owned" not in html


def test_proposals_on_the_team_page_open_that_persons_proposals(manager_client, pipeline):
    ana = UserFactory(name="Ana")
    proposal = pipeline.stages[2]
    assert proposal.is_proposal
    LeadFactory(stage=proposal, title="Quote sent", owner=ana)
    LeadFactory(stage=pipeline.stages[0], title="Just met", owner=ana)
    LeadFactory(stage=proposal, title="Lost quote", owner=ana, status="lost")

    team_page = manager_client.get("/team").text
    link = f"/team/leads?owner_id={ana.id}&amp;attention=proposals"
    assert link in team_page
    html = manager_client.get(link.replace("&amp;", "&")).text

    assert "Quote sent" in html
    assert "Just met" not in html and "Lost quote" not in html
