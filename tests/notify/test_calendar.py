"""Follow-ups in the calendar: a private feed per person, in the team's time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from kanban import hookimpl
from kanban.extensions import db
from kanban.ui import CalendarItem
from tests.conftest import log_in
from tests.factories import LeadFactory, UserFactory

TODAY = date.today()


@pytest.fixture
def lisbon(app):
    app.config["TIMEZONE"] = "Europe/Lisbon"


def subscribe(app, user) -> str:
    client = log_in(app.test_client(), user)
    assert client.post("/profile/calendar").status_code == 303
    db.session.refresh(user)
    return f"/calendar/{user.calendar_token}.ics"


def events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_holds_timed_and_all_day_follow_ups(app, lisbon, pipeline, member):
    tomorrow = TODAY + timedelta(days=1)
    LeadFactory(title="Acme", stage=pipeline.stages[0], owner=member, next_action_date=tomorrow,
                next_action_time=time(9, 30), next_action_text="Call about the quote")
    LeadFactory(title="Beta", stage=pipeline.stages[0], owner=member, next_action_date=TODAY)
    LeadFactory(title="Someone else's", stage=pipeline.stages[0], owner=UserFactory(),
                next_action_date=TODAY)
    response = app.test_client().get(subscribe(app, member))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.data)
    assert set(found) == {"Follow up: Acme", "Follow up: Beta"}
    timed = found["Follow up: Acme"]
    assert timed.decoded("dtstart") == datetime.combine(tomorrow, time(9, 30),
                                                        ZoneInfo("Europe/Lisbon"))
    assert timed.decoded("dtend") - timed.decoded("dtstart") == timedelta(minutes=30)
    assert "Call about the quote" in str(timed["description"])
    assert found["Follow up: Beta"].decoded("dtstart") == TODAY
    assert "BEGIN:VTIMEZONE" in response.get_data(as_text=True)
    assert "TZID:Europe/Lisbon" in response.get_data(as_text=True)


def test_a_standby_lead_shows_the_day_it_comes_back(app, pipeline, member):
    back = TODAY + timedelta(days=10)
    LeadFactory(title="Gamma", stage=pipeline.stages[0], owner=member, next_action_date=back,
                next_action_kind="standby")
    found = events(app.test_client().get(subscribe(app, member)).data)
    assert found["Comes back: Gamma"].decoded("dtstart") == back


def test_a_standby_lead_coming_back_at_a_time_is_an_event_at_that_time(app, pipeline,
                                                                        member):
    back = TODAY + timedelta(days=13)
    LeadFactory(title="Delta", stage=pipeline.stages[0], owner=member, next_action_date=back,
                next_action_time=time(14, 30), next_action_kind="standby")
    found = events(app.test_client().get(subscribe(app, member)).data)
    assert found["Comes back: Delta"].decoded("dtstart") == datetime.combine(
        back, time(14, 30), ZoneInfo("Europe/Lisbon"))


def test_a_follow_up_on_the_last_day_there_is_still_makes_a_calendar_file(app, pipeline,
                                                                           member):
    lead = LeadFactory(title="Typo", stage=pipeline.stages[0], owner=member,
                       next_action_date=date.max)  # saved before dates were checked
    response = log_in(app.test_client(), member).get(f"/leads/{lead.id}/next-action.ics")
    assert response.status_code == 200
    assert events(response.data)["Follow up: Typo"].decoded("dtstart") == date.max


def test_closed_leads_are_left_out(app, pipeline, member):
    LeadFactory(stage=pipeline.stages[0], owner=member, status="won", next_action_date=TODAY)
    assert events(app.test_client().get(subscribe(app, member)).data) == {}


def test_the_feed_speaks_the_owners_language(app, pipeline):
    reader = UserFactory(locale="it")
    LeadFactory(title="Acme", stage=pipeline.stages[0], owner=reader, next_action_date=TODAY)
    assert set(events(app.test_client().get(subscribe(app, reader)).data)) == {
        "Ricontattare: Acme"}


def test_a_renewed_address_refuses_the_old_one(app, pipeline, member):
    old = subscribe(app, member)
    new = subscribe(app, member)
    assert old != new
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200


def test_an_unknown_address_is_404(app):
    assert app.test_client().get("/calendar/not-a-secret.ics").status_code == 404


def test_a_deactivated_persons_feed_stops(app, pipeline, member):
    address = subscribe(app, member)
    member.active = False
    db.session.commit()
    assert app.test_client().get(address).status_code == 404


def test_the_profile_shows_the_address_at_the_public_url(app, member):
    app.config["PUBLIC_URL"] = "https://crm.example.com/sales"
    address = subscribe(app, member)
    page = log_in(app.test_client(), member).get("/profile").get_data(as_text=True)
    assert f'>https://crm.example.com/sales{address}</textarea>' in page


def test_a_lead_page_offers_its_next_follow_up_as_a_file(app, pipeline, member):
    lead = LeadFactory(title="Acme", stage=pipeline.stages[0], owner=member,
                       next_action_date=TODAY, next_action_time=time(15, 0))
    client = log_in(app.test_client(), member)
    assert f"/leads/{lead.id}/next-action.ics" in client.get(f"/leads/{lead.id}").get_data(
        as_text=True)
    response = client.get(f"/leads/{lead.id}/next-action.ics")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert set(events(response.data)) == {"Follow up: Acme"}


def test_a_closed_lead_has_no_calendar_file(app, pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member, status="lost",
                       next_action_date=TODAY)
    client = log_in(app.test_client(), member)
    assert client.get(f"/leads/{lead.id}/next-action.ics").status_code == 404


class TrainingDays:
    """A plugin with days of its own for the feed."""

    def __init__(self):
        self.asked = []

    @hookimpl
    def kanban_calendar_items(self, user, first, last):
        self.asked.append((user.id, first, last))
        return [CalendarItem(uid="training-1@kanban", summary="Sales training",
                             day=TODAY + timedelta(days=2), url="https://example.com/t")]


def test_a_plugins_days_join_the_feed_as_all_day_events(app, register_plugin, member):
    plugin = register_plugin(TrainingDays(), name="training")
    found = events(app.test_client().get(subscribe(app, member)).data)

    assert found["Sales training"].decoded("dtstart") == TODAY + timedelta(days=2)
    assert str(found["Sales training"]["url"]) == "https://example.com/t"
    (user_id, first, last), = plugin.asked
    assert user_id == member.id and first < TODAY < last
