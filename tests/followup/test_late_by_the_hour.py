"""A follow-up with a time of day is late once that moment has passed in the team's zone:
the lead, the agenda's rows and counts, and the overdue filter say so together.

The team is in Lisbon; the clock reads 19:17 there on 7 December 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from kanban.models import base as clock
from kanban.services.agenda import AgendaFilter, load_agenda
from kanban.services.queries import OVERDUE, LeadFilter, filter_leads
from tests.factories import LeadFactory

DAY = date(2026, 12, 7)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TIMEZONE": "Europe/Lisbon"}


@pytest.fixture
def evening(monkeypatch):
    class Evening(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, 7, 19, 17, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(clock, "datetime", Evening)


def due_today(pipeline, member, at: time | None, title: str = "Café Lusitano") -> Lead:
    return LeadFactory(stage=pipeline.stages[0], owner=member, title=title,
                       next_action_date=DAY, next_action_time=at)


def overdue_titles() -> list[str]:
    return list(db.session.scalars(
        filter_leads(LeadFilter(attention=OVERDUE), select(Lead.title), on=DAY)))


def test_a_follow_up_today_at_a_time_past_is_overdue(pipeline, member, evening):
    assert due_today(pipeline, member, time(15, 30)).is_overdue(DAY)


def test_a_follow_up_today_at_a_time_to_come_or_with_no_time_is_not_overdue(pipeline, member,
                                                                           evening):
    assert not due_today(pipeline, member, time(19, 30)).is_overdue(DAY)
    assert not due_today(pipeline, member, None).is_overdue(DAY)


def test_the_agenda_counts_and_marks_it_late_as_the_overdue_filter_finds_it(pipeline, member,
                                                                          evening):
    due_today(pipeline, member, time(15, 30), "Late")
    due_today(pipeline, member, time(19, 30), "Later")
    due_today(pipeline, member, None, "Any time")

    follow_ups = load_agenda(AgendaFilter(owner_id=member.id), DAY).follow_ups

    late = [entry.lead.title for entry in follow_ups.entries if entry.is_overdue]
    assert late == overdue_titles() == ["Late"] and follow_ups.overdue == 1


def test_the_agenda_shows_it_in_red(member_client, pipeline, member, evening):
    due_today(pipeline, member, time(15, 30))
    page = member_client.get("/agenda").get_data(as_text=True)
    assert "is-overdue" in page and "due-overdue" in page
