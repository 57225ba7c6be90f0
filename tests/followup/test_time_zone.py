"""The team's days are those of its time zone (KANBAN_TIMEZONE), whatever the server's clock.

Kazan keeps Moscow time, three hours ahead of UTC all year: 22:30 UTC is already 01:30 of
the next day there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from kanban import instance
from kanban.app import create_app
from kanban.extensions import db
from kanban.models import Lead
from kanban.models import base as clock
from kanban.services import results
from kanban.services.periods import Period
from kanban.services.queries import STALE, LeadFilter, filter_leads
from tests.factories import ActivityFactory, LeadFactory

KAZAN = "Europe/Moscow"
NOVEMBER = Period("custom", date(2026, 11, 1), date(2026, 12, 1))
DECEMBER = Period("custom", date(2026, 12, 1), date(2027, 1, 1))


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TIMEZONE": KAZAN}


def won(pipeline, closed: datetime) -> Lead:
    return LeadFactory(stage=pipeline.stages[-1], status="won", value=Decimal("1000"),
                       closed_at=closed)


def stale_titles(day: date) -> list[str]:
    return list(db.session.scalars(
        filter_leads(LeadFilter(attention=STALE), select(Lead.title), on=day)
    ))


def test_a_day_begins_at_the_teams_midnight(app):
    assert clock.start_of(date(2026, 12, 1)) == datetime(2026, 11, 30, 21, 0, tzinfo=UTC)


def test_today_is_the_date_in_the_teams_zone(app, monkeypatch):
    class LateEveningInUTC(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 11, 30, 22, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(clock, "datetime", LateEveningInUTC)

    assert clock.today() == date(2026, 12, 1)


def test_a_sale_won_late_in_the_utc_evening_counts_in_the_teams_next_month(app, pipeline):
    won(pipeline, datetime(2026, 11, 30, 22, 30, tzinfo=UTC))

    assert results.sales_won(NOVEMBER, "EUR").count == 0
    assert results.sales_won(DECEMBER, "EUR").count == 1


def test_monthly_buckets_follow_the_teams_calendar(app, pipeline):
    won(pipeline, datetime(2026, 11, 30, 22, 30, tzinfo=UTC))
    autumn = Period("custom", date(2026, 9, 1), date(2027, 1, 1))

    buckets = results.sales_won(autumn, "EUR").buckets

    assert buckets[-2:] == [(date(2026, 11, 1), 0), (date(2026, 12, 1), Decimal("1000.00"))]


def test_weekly_buckets_follow_the_teams_calendar(app, pipeline):
    won(pipeline, datetime(2026, 11, 29, 22, 30, tzinfo=UTC))  # Monday 30th, 01:30 in Kazan

    buckets = dict(results.sales_won(NOVEMBER, "EUR").buckets)

    assert buckets[date(2026, 11, 30)] == Decimal("1000.00")
    assert buckets[date(2026, 11, 23)] == 0


def test_untouched_days_are_counted_in_the_teams_days(app, pipeline):
    stage = pipeline.stages[1]
    stage.stale_days = 3
    lead = LeadFactory(title="Kazan Tea", stage=stage,
                       touched_at=datetime(2026, 11, 26, 22, 0, tzinfo=UTC))  # 27th in Kazan
    db.session.commit()

    assert lead.days_untouched(date(2026, 11, 30)) == 3
    assert (lead.is_stale(date(2026, 11, 30)), stale_titles(date(2026, 11, 30))) == (False, [])
    assert (lead.is_stale(date(2026, 12, 1)), stale_titles(date(2026, 12, 1))) == (
        True, ["Kazan Tea"])


def test_the_timeline_shows_times_in_the_teams_zone(member_client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    ActivityFactory(lead=lead, kind="note", body="Called from the airport.", author=member,
                    created_at=datetime(2026, 11, 30, 22, 30, tzinfo=UTC))

    page = member_client.get(f"/leads/{lead.id}").get_data(as_text=True)

    assert "Dec 1, 2026, 1:30" in page
    assert "Nov 30, 2026, 10:30" not in page


def test_the_agendas_last_note_is_dated_in_the_teams_zone(member_client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], owner=member)
    ActivityFactory(lead=lead, kind="call", body="Called from the airport.", author=member,
                    created_at=datetime(2026, 11, 30, 22, 30, tzinfo=UTC))

    page = member_client.get("/agenda").get_data(as_text=True)

    assert '<time datetime="2026-11-30T22:30:00+00:00">Dec 1, 2026</time>' in page


def test_an_unknown_time_zone_stops_the_app_with_a_plain_message(app_config):
    with pytest.raises(RuntimeError, match="KANBAN_TIMEZONE='Kazan' is not a time zone"):
        create_app({**app_config, "TIMEZONE": "Kazan"})


def test_without_a_setting_the_team_works_in_the_servers_zone(monkeypatch):
    import tzlocal

    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Europe/Rome")

    assert instance.team_timezone(None) == "Europe/Rome"
    assert instance.team_timezone("Europe/Lisbon") == "Europe/Lisbon"
