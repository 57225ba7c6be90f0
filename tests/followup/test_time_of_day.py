"""A follow-up may carry a time of day: set with a touch, on the edit page or by the API;
the agenda puts timed follow-ups first on their day, by time."""

from __future__ import annotations

from datetime import date, time

import pytest

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Lead
from kanban.services.agenda import AgendaFilter, load_agenda
from kanban.services.followup import log_touch, read_follow_up
from tests.conftest import log_in
from tests.factories import LeadFactory

DAY = date(2026, 11, 30)


def test_the_picker_reads_a_time():
    values = read_follow_up({"follow_up": "tomorrow", "follow_up_time": "14:30"}, DAY)
    assert values["next_action_time"] == time(14, 30)


def test_no_time_means_any_time_that_day():
    assert read_follow_up({"follow_up": "today"}, DAY)["next_action_time"] is None


@pytest.mark.parametrize("typed", ["25:00", "9h", "noon", "14:3"])
def test_a_wrong_time_names_the_field(typed):
    with pytest.raises(ValidationError) as refused:
        read_follow_up({"follow_up": "today", "follow_up_time": typed}, DAY)
    assert refused.value.fields == {"follow_up_time": "Use a time of day such as 09:30."}


def test_a_call_logged_with_a_time_keeps_it(app, pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    log_touch(lead, "Asked to call after lunch", kind="call",
              follow_up={"follow_up": "tomorrow", "follow_up_time": "14:00"}, user=member)
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).next_action_time == time(14, 0)


def test_timed_follow_ups_come_first_on_their_day_by_time(app, pipeline, member):
    for title, at in (("Any time", None), ("Afternoon", time(15, 0)),
                      ("Morning", time(9, 15))):
        LeadFactory(title=title, stage=pipeline.stages[0], owner=member, priority=2,
                    next_action_date=DAY, next_action_time=at)
    agenda = load_agenda(AgendaFilter(owner_id=member.id), DAY)
    assert [entry.lead.title for entry in agenda.follow_ups.entries] == [
        "Morning", "Afternoon", "Any time"]


def test_the_agenda_shows_the_time(app, pipeline, member):
    LeadFactory(title="Call Acme", stage=pipeline.stages[0], owner=member,
                next_action_date=date.today(), next_action_time=time(9, 30))
    page = log_in(app.test_client(), member).get("/agenda").get_data(as_text=True)
    assert '<span class="due-time">at 9:30\u202fAM</span>' in page


def test_the_edit_page_sets_and_clears_the_time(app, pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member, next_action_date=DAY)
    client = log_in(app.test_client(), member)
    form = {"title": lead.title, "next_action_kind": "todo",
            "next_action_date": DAY.isoformat(), "next_action_time": "08:45",
            "version": str(lead.version), "stage_id": str(lead.stage_id)}
    assert client.post(f"/leads/{lead.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).next_action_time == time(8, 45)
    page = client.get(f"/leads/{lead.id}/edit").get_data(as_text=True)
    assert 'value="08:45"' in page


def test_the_api_reads_and_writes_the_time(app, pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    client = log_in(app.test_client(), member)
    response = client.patch(f"/api/v1/leads/{lead.id}", json={"next_action_time": "17:05"})
    assert response.status_code == 200
    assert response.get_json()["next_action_time"] == "17:05"
    refused = client.patch(f"/api/v1/leads/{lead.id}", json={"next_action_time": "5 pm"})
    assert refused.status_code == 422
    assert "next_action_time" in refused.get_json()["error"]["fields"]
