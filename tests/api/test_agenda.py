"""GET /api/v1/agenda: today's agenda as JSON, in the same order as the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kanban.models.base import today
from tests.factories import ActivityFactory, ClientFactory, LeadFactory, UserFactory


@pytest.fixture
def stages(pipeline):
    """New, Contacted, Proposal (a proposal stage), Negotiation."""
    return {stage.name: stage for stage in pipeline.stages}


def lead(stages, title, owner, *, stage="New", days=0, kind="todo", **values):
    return LeadFactory(title=title, owner=owner, stage=stages[stage], next_action_kind=kind,
                       next_action_date=today() + timedelta(days=days), **values)


def titles(section: dict) -> list[str]:
    return [entry["lead"]["title"] for entry in section["entries"]]


def test_the_agenda_lists_proposals_then_follow_ups_by_priority(api, stages, member):
    lead(stages, "P2 today", member, priority=2)
    lead(stages, "P1 late", member, days=-2, priority=1)
    lead(stages, "Proposal waiting", member, stage="Proposal", days=10, kind="standby")
    lead(stages, "Later", member, days=3, kind="standby")

    agenda = api.get("/agenda").get_json()

    assert agenda["day"] == today().isoformat()
    assert titles(agenda["proposals"]) == ["Proposal waiting"]
    assert titles(agenda["follow_ups"]) == ["P1 late", "P2 today"]
    assert (agenda["follow_ups"]["total"], agenda["follow_ups"]["overdue"]) == (2, 1)
    assert agenda["coming_back"] == 1


def test_the_agenda_lists_the_leads_nobody_owns_oldest_first(api, stages, member):
    LeadFactory(title="Older", stage=stages["New"], owner=None,
                created_at=datetime.now(UTC) - timedelta(days=2))
    LeadFactory(title="Newer", stage=stages["New"], owner=None)
    lead(stages, "Mine", member)

    agenda = api.get("/agenda").get_json()

    assert titles(agenda["unassigned"]) == ["Older", "Newer"]
    assert agenda["unassigned"]["total"] == 2
    assert titles(agenda["follow_ups"]) == ["Mine"]


def test_each_entry_says_overdue_client_class_and_last_touch(api, stages, member):
    folder = ClientFactory(rating="B")
    LeadFactory(stage=stages["New"], status="won", client=folder)
    late = lead(stages, "Renewal", member, days=-1, client=folder)
    ActivityFactory(lead=late, kind="call", body="Asked for a new quote.", author=member,
                    created_at=datetime.now(UTC) - timedelta(hours=2))

    entry = api.get("/agenda").get_json()["follow_ups"]["entries"][0]

    assert (entry["overdue"], entry["is_client"], entry["client_class"]) == (True, True, "B")
    assert entry["last_touch"]["kind"] == "call"
    assert entry["last_touch"]["body"] == "Asked for a new quote."
    assert entry["lead"]["id"] == late.id


def test_the_agenda_is_the_callers_own_unless_asked(api, stages, member):
    colleague = UserFactory(name="Bruno")
    lead(stages, "Mine", member)
    lead(stages, "Bruno's", colleague)

    own = api.get("/agenda").get_json()
    theirs = api.get(f"/agenda?owner_id={colleague.id}").get_json()
    team = api.get("/agenda?owner_id=all").get_json()

    assert titles(own["follow_ups"]) == ["Mine"]
    assert titles(theirs["follow_ups"]) == ["Bruno's"]
    assert sorted(titles(team["follow_ups"])) == ["Bruno's", "Mine"]


def test_a_bad_filter_is_refused_with_the_field_named(api):
    response = api.get("/agenda?sort=colour&priority=Z")

    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"sort", "priority"}


def test_an_owner_who_is_not_on_the_team_is_refused_by_name(api):
    response = api.get("/agenda?owner_id=999999")

    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "owner_id": "This person is not on the team."}


def test_the_agenda_needs_a_login(client):
    assert client.get("/api/v1/agenda").status_code == 401
