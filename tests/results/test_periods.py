"""Periods: which days each choice covers, and how sales are grouped over them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kanban.errors import ValidationError
from kanban.services.periods import Period, period_for, read_period

WEDNESDAY = date(2026, 11, 18)


@pytest.mark.parametrize(("key", "today", "start", "end"), [
    ("this_month", WEDNESDAY, date(2026, 11, 1), date(2026, 12, 1)),
    ("this_month", date(2026, 12, 31), date(2026, 12, 1), date(2027, 1, 1)),
    ("last_month", WEDNESDAY, date(2026, 10, 1), date(2026, 11, 1)),
    ("last_month", date(2026, 1, 15), date(2025, 12, 1), date(2026, 1, 1)),
    ("this_quarter", WEDNESDAY, date(2026, 10, 1), date(2027, 1, 1)),
    ("last_quarter", WEDNESDAY, date(2026, 7, 1), date(2026, 10, 1)),
    ("last_quarter", date(2026, 2, 28), date(2025, 10, 1), date(2026, 1, 1)),
    ("this_year", WEDNESDAY, date(2026, 1, 1), date(2027, 1, 1)),
    ("last_12_months", WEDNESDAY, date(2025, 12, 1), date(2026, 12, 1)),
])
def test_named_period_covers_whole_months(key, today, start, end):
    assert period_for(key, today) == Period(key, start, end)


def test_default_period_is_this_month():
    assert read_period({}, WEDNESDAY) == period_for("this_month", WEDNESDAY)


def test_custom_period_includes_both_days():
    period = read_period({"period": "custom", "from": "2026-11-10", "to": "2026-11-10"},
                         WEDNESDAY)

    assert (period.start, period.end, period.last_day) == (
        date(2026, 11, 10), date(2026, 11, 11), date(2026, 11, 10)
    )


def test_dates_typed_over_a_named_period_are_the_period_wanted():
    period = read_period({"period": "this_month", "from": "2026-06-01", "to": "2026-06-30"},
                         WEDNESDAY)

    assert (period.key, period.start, period.last_day) == (
        "custom", date(2026, 6, 1), date(2026, 6, 30))


def test_a_named_period_sent_with_its_own_dates_stays_named():
    period = read_period({"period": "last_month", "from": "2026-10-01", "to": "2026-10-31"},
                         WEDNESDAY)

    assert period == period_for("last_month", WEDNESDAY)


def test_bad_dates_typed_over_a_named_period_are_refused_by_name():
    with pytest.raises(ValidationError) as refused:
        read_period({"period": "this_month", "from": "2026-06-01", "to": "June"}, WEDNESDAY)

    assert refused.value.fields == {"to": "Use a date such as 2026-03-31."}


def test_periods_up_to_92_days_go_week_by_week_and_longer_ones_month_by_month():
    assert period_for("this_quarter", WEDNESDAY).unit == "week"  # 92 days
    assert Period("custom", date(2026, 1, 1), date(2026, 4, 4)).unit == "month"  # 93 days


def test_weeks_start_on_monday_and_cover_the_whole_period():
    november = period_for("this_month", WEDNESDAY)

    assert november.buckets() == [
        date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16),
        date(2026, 11, 23), date(2026, 11, 30),
    ]


def test_weeks_start_on_the_day_the_readers_country_starts_them():
    november = replace(period_for("this_month", WEDNESDAY), first_weekday=6)

    assert november.buckets() == [
        date(2026, 11, 1), date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 22),
        date(2026, 11, 29),
    ]


def test_months_cover_the_whole_period():
    year = period_for("last_12_months", WEDNESDAY)

    buckets = year.buckets()

    assert len(buckets) == 12
    assert (buckets[0], buckets[-1]) == (date(2025, 12, 1), date(2026, 11, 1))
