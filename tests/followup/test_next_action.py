"""Every open lead has a next action: to do now, or standby until a date, when it comes back
to to do by itself; closing ends it; a touch is logged together with the next follow-up."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from kanban import hookimpl
from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.notify.store import latest, text_of
from kanban.services import leads as lead_service
from kanban.services.followup import client_wrote, log_touch
from kanban.services.queries import TO_DO, LeadFilter, filter_leads
from tests.factories import LeadFactory, UserFactory

DAY = date(2026, 11, 30)


def reload(lead: Lead) -> Lead:
    db.session.expire_all()
    return db.session.get(Lead, lead.id)


def to_do_ids(day: date) -> list[int]:
    return list(db.session.scalars(
        filter_leads(LeadFilter(attention=TO_DO), select(Lead.id), on=day).order_by(Lead.id)
    ))


# Standby comes back by itself -----------------------------------------------------------


def test_standby_lead_is_waiting_until_the_day_before_its_date(pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_kind="standby",
                       next_action_date=DAY + timedelta(days=3))
    day_before = DAY + timedelta(days=2)
    assert lead.is_standby(day_before) and not lead.is_to_do(day_before)
    assert to_do_ids(day_before) == []


def test_standby_lead_is_to_do_on_its_date_with_nothing_run(pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_kind="standby",
                       next_action_date=DAY + timedelta(days=3))
    on_the_day = DAY + timedelta(days=3)
    assert lead.is_to_do(on_the_day) and not lead.is_overdue(on_the_day)
    assert to_do_ids(on_the_day) == [lead.id]


def test_standby_lead_not_acted_on_is_overdue_the_day_after(pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_kind="standby",
                       next_action_date=DAY)
    assert lead.is_overdue(DAY + timedelta(days=1))


def test_a_new_lead_starts_to_do(pipeline, member):
    lead = lead_service.create_lead({"title": "Fresh"}, user=member)
    assert lead.next_action_kind == "todo" and lead.is_to_do(DAY)


# Closing ends the next action ------------------------------------------------------------------


@pytest.mark.parametrize("status", ["won", "lost", "cancelled"])
def test_closing_a_lead_ends_its_next_action(pipeline, member, status):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_kind="standby",
                       next_action_date=DAY, next_action_text="Call back")
    lead_service.close_lead(lead, status, lost_reason="Price", user=member)
    lead = reload(lead)
    assert (lead.next_action_date, lead.next_action_text) == (None, "")
    assert not lead.is_to_do(DAY) and not lead.is_overdue(DAY + timedelta(days=9))
    entry = lead.activities[-1].payload
    assert entry["ended_next_action"]["next_action_text"] == "Call back"


def test_a_reopened_lead_is_to_do_again(pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0], status="won")
    lead_service.reopen_lead(lead, user=member)
    assert reload(lead).is_to_do(DAY)


# The client wrote ----------------------------------------------------------------------------


def test_the_client_writing_brings_a_standby_lead_back_to_to_do(pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_kind="standby",
                       next_action_date=date.today() + timedelta(days=1))
    client_wrote(lead)
    lead = reload(lead)
    assert lead.next_action_kind == "todo" and lead.is_to_do(date.today())
    [entry] = lead.activities
    assert entry.payload["changes"]["next_action_kind"] == ["standby", "todo"]


def test_the_client_writing_makes_a_standby_lead_due_today_not_on_its_standby_date(pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_kind="standby",
                       next_action_date=DAY + timedelta(days=35), next_action_time=time(9, 30))
    client_wrote(lead, "Call me today please!", today=DAY)
    lead = reload(lead)
    assert (lead.next_action_kind, lead.next_action_date, lead.next_action_time) == (
        "todo", DAY, None)


def test_the_client_writing_on_a_standby_lead_tells_its_owner_what_they_wrote(pipeline):
    owner, colleague = UserFactory(), UserFactory()
    lead = LeadFactory(stage=pipeline.stages[0], owner=owner, title="Café Lusitano",
                       next_action_kind="standby", next_action_date=DAY + timedelta(days=35))
    client_wrote(lead, "Call me\n today   please!")
    assert [text_of(item) for item in latest(owner)] == [
        "A client wrote on “Café Lusitano”: Call me today please!"]
    assert latest(colleague) == []


def test_the_client_writing_on_a_lead_nobody_owns_tells_those_told_it_waits(pipeline):
    ana, rui = UserFactory(), UserFactory()
    lead = LeadFactory(stage=pipeline.stages[0], owner=None, title="Café Lusitano",
                       next_action_kind="standby", next_action_date=DAY + timedelta(days=35))
    client_wrote(lead, "Call me today please!")
    assert [item.kind for item in latest(ana)] == [item.kind for item in latest(rui)] == [
        "client_wrote"]


def test_the_client_writing_at_length_is_quoted_short(pipeline):
    owner = UserFactory()
    lead = LeadFactory(stage=pipeline.stages[0], owner=owner)
    client_wrote(lead, "word " * 500)
    [item] = latest(owner)
    assert len(item.payload["words"]) == 140 and item.payload["words"].endswith("…")


def test_the_client_writing_to_a_lead_already_to_do_changes_nothing(pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    version = lead.version
    client_wrote(lead)
    lead = reload(lead)
    assert (lead.next_action_kind, lead.version, lead.activities) == ("todo", version, [])


def test_the_client_writing_about_a_closed_lead_leaves_it_closed(pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], status="lost", next_action_kind="standby",
                       next_action_date=date.today() + timedelta(days=1))
    client_wrote(lead)
    assert reload(lead).next_action_kind == "standby"


# Logging a touch ----------------------------------------------------------------------------


def test_a_call_and_its_follow_up_are_saved_together(pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0])
    log_touch(lead, "They want it in March", kind="call", user=member, today=DAY,
              follow_up={"follow_up": "month", "follow_up_month": "2",
                         "next_action_text": "Call about March"})
    lead = reload(lead)
    assert (lead.next_action_kind, lead.next_action_date, lead.next_action_text) == (
        "standby", date(2027, 2, 1), "Call about March")
    [call] = lead.activities
    assert (call.kind, call.body) == ("call", "They want it in March")
    assert call.payload["next_action"]["next_action_date"] == "2027-02-01"


def test_a_call_without_a_follow_up_saves_nothing(pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0])
    with pytest.raises(ValidationError) as caught:
        log_touch(lead, "Talked", kind="call", user=member, today=DAY)
    assert caught.value.fields == {"follow_up": "Choose when to follow up next."}
    db.session.rollback()
    assert db.session.scalar(select(func.count(Activity.id))) == 0


def test_an_empty_touch_names_the_text_and_the_follow_up(pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0])
    with pytest.raises(ValidationError) as caught:
        log_touch(lead, "   ", kind="meeting", user=member, today=DAY)
    assert set(caught.value.fields) == {"body", "follow_up"}


def test_an_unknown_kind_of_touch_is_refused(pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0])
    with pytest.raises(ValidationError) as caught:
        log_touch(lead, "Hi", kind="fax", follow_up={"follow_up": "today"}, user=member)
    assert "kind" in caught.value.fields


def test_a_note_keeps_the_next_action_and_does_not_change_the_version(pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0], next_action_text="Send the quote")
    version = lead.version
    log_touch(lead, "Their accountant is Rui", kind="note", user=member, today=DAY)
    lead = reload(lead)
    assert (lead.next_action_text, lead.version) == ("Send the quote", version)


def test_a_closed_lead_gets_a_note_but_no_follow_up(pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0], status="won")
    log_touch(lead, "Thank-you call", kind="note", user=member, today=DAY)
    with pytest.raises(ValidationError) as caught:
        log_touch(lead, "Call", kind="call", user=member, today=DAY,
                  follow_up={"follow_up": "tomorrow"})
    assert caught.value.fields["follow_up"] == (
        "A closed lead has no next action. Reopen it first.")


def test_a_touch_tells_plugins_about_the_note_and_the_new_next_action(
    pipeline, member, register_plugin
):
    heard = []

    class Listener:
        @hookimpl
        def kanban_lead_noted(self, lead, activity, user):
            heard.append(("noted", activity.kind))

        @hookimpl
        def kanban_lead_updated(self, lead, changes, user):
            heard.append(("updated", sorted(changes)))

    register_plugin(Listener())
    lead = LeadFactory(stage=pipeline.stages[0])
    log_touch(lead, "Met them", kind="meeting", user=member, today=DAY,
              follow_up={"follow_up": "tomorrow"})
    assert heard == [("noted", "meeting"),
                     ("updated", ["next_action_date", "next_action_kind"])]


def test_a_touch_marks_the_lead_as_touched_now(pipeline, member):
    long_ago = datetime(2026, 1, 5, tzinfo=UTC)
    lead = LeadFactory(stage=pipeline.stages[0], touched_at=long_ago)
    log_touch(lead, "Called", kind="call", user=member, follow_up={"follow_up": "tomorrow"})
    assert reload(lead).touched_at > long_ago


def test_an_old_email_filed_late_does_not_move_the_last_touch_back(pipeline, member):
    recent = datetime.now(UTC) - timedelta(hours=1)
    lead = LeadFactory(stage=pipeline.stages[0], touched_at=recent)
    lead_service.add_note(lead, "Old thread", kind="email", user=None,
                          created_at=datetime(2025, 6, 1, tzinfo=UTC))
    assert abs(reload(lead).touched_at - recent) < timedelta(seconds=1)
