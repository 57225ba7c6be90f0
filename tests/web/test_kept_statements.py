"""The board and the agenda keep the statements they build, one per choice of filters:
what they show is always what the database holds now, for the filters asked."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app

from kanban.extensions import db
from kanban.services import statements
from kanban.services.agenda import AgendaFilter, load_agenda
from kanban.services.statements import built_once
from tests.factories import LeadFactory, UserFactory

DAY = date(2026, 11, 30)


def test_the_same_filters_are_built_once(app):
    built = []

    def build():
        built.append(1)
        return object()

    first = built_once("test", ("owner", 1), build)

    assert built_once("test", ("owner", 1), build) is first
    assert len(built) == 1


def test_other_filters_get_their_own_statement(app):
    assert built_once("test", ("owner", 1), object) is not built_once("test", ("owner", 2),
                                                                       object)


def test_only_the_last_used_are_kept(app, monkeypatch):
    monkeypatch.setattr(statements, "KEPT", 2)
    first = built_once("test", 1, object)
    built_once("test", 2, object)
    built_once("test", 1, object)  # used again: the oldest is now 2
    built_once("test", 3, object)

    assert built_once("test", 1, object) is first
    assert len(current_app.extensions["kanban.statements"]["test"]) == 2


def test_the_board_shows_a_lead_added_after_its_statement_was_kept(member_client, member,
                                                                   pipeline):
    LeadFactory(stage=pipeline.stages[0], owner=member, title="First of the day")
    assert "First of the day" in member_client.get("/board").text

    LeadFactory(stage=pipeline.stages[0], owner=member, title="Second of the day")

    assert "Second of the day" in member_client.get("/board").text


def test_each_owner_filter_shows_its_own_leads(member_client, member, pipeline):
    other = UserFactory(name="Rita")
    LeadFactory(stage=pipeline.stages[0], owner=member, title="Mine")
    LeadFactory(stage=pipeline.stages[0], owner=other, title="Ritas")

    mine = member_client.get(f"/board?owner_id={member.id}").text
    hers = member_client.get(f"/board?owner_id={other.id}").text

    assert "Mine" in mine and "Ritas" not in mine
    assert "Ritas" in hers and "Mine" not in hers


def test_a_changed_stale_limit_shows_on_the_next_board(member_client, member, pipeline):
    stage = pipeline.stages[1]
    LeadFactory(stage=stage, owner=member, title="Quiet lead",
                touched_at=datetime.now(UTC) - timedelta(days=5))
    stage.stale_days = 10
    db.session.commit()
    assert "Quiet lead" not in member_client.get("/board?attention=stale").text

    stage.stale_days = 3
    db.session.commit()

    assert "Quiet lead" in member_client.get("/board?attention=stale").text


def test_the_agenda_of_another_day_is_reckoned_on_that_day(app, pipeline, member):
    LeadFactory(stage=pipeline.stages[0], owner=member, title="Due tomorrow",
                next_action_kind="standby", next_action_date=DAY + timedelta(days=1))
    mine = AgendaFilter(owner_id=member.id)

    today_titles = [e.lead.title for e in load_agenda(mine, DAY).follow_ups.entries]
    tomorrow = [e.lead.title for e in load_agenda(mine, DAY + timedelta(days=1)).follow_ups.entries]

    assert (today_titles, tomorrow) == ([], ["Due tomorrow"])
