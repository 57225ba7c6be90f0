"""Choosing the next follow-up in words: today, tomorrow, next week, a month, a date, or
two thirds of the time the client named."""

from __future__ import annotations

from datetime import date

import pytest

from kanban.errors import ValidationError
from kanban.services.followup import (
    month_date,
    next_action_on,
    next_week,
    read_follow_up,
    two_thirds_date,
)
from kanban.services.periods import add_months

DECEMBER_15 = date(2026, 12, 15)  # a Tuesday
MONDAY = date(2026, 11, 30)


# Months -----------------------------------------------------------------------------


def test_in_december_february_means_february_of_next_year():
    assert month_date(2, DECEMBER_15) == date(2027, 2, 1)


def test_in_december_november_means_next_year_too():
    assert month_date(11, DECEMBER_15) == date(2027, 11, 1)


def test_a_later_month_is_this_year():
    assert month_date(9, date(2026, 3, 10)) == date(2026, 9, 1)


def test_the_current_month_means_today():
    assert month_date(12, DECEMBER_15) == DECEMBER_15


# Next week, adding months ---------------------------------------------------------------


@pytest.mark.parametrize("today", [MONDAY, date(2026, 12, 2), date(2026, 12, 6)])
def test_next_week_is_the_monday_after(today):
    assert next_week(today) == date(2026, 12, 7)


def test_adding_a_month_to_the_31st_lands_on_the_months_last_day():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


# Two thirds of the interval -----------------------------------------------------------------


def test_call_me_in_six_weeks_suggests_four_weeks():
    assert two_thirds_date(MONDAY, amount=6, unit="weeks") == date(2026, 12, 28)


def test_call_me_in_three_months_suggests_two_thirds_of_the_real_days():
    # 2026-01-10 + 3 months = 2026-04-10: 90 days, two thirds = 60 days.
    assert two_thirds_date(date(2026, 1, 10), amount=3, unit="months") == date(2026, 3, 11)


def test_call_me_around_the_tenth_of_next_month_suggests_earlier():
    assert two_thirds_date(date(2026, 11, 10), until=date(2026, 12, 10)) == date(2026, 11, 30)


def test_two_thirds_never_falls_before_tomorrow():
    assert two_thirds_date(MONDAY, amount=1, unit="days") == date(2026, 12, 1)


# To do or standby ---------------------------------------------------------------------------


def test_a_follow_up_today_is_to_do_and_a_later_one_is_standby():
    assert next_action_on(MONDAY, MONDAY)["next_action_kind"] == "todo"
    later = next_action_on(date(2026, 12, 3), MONDAY, "Call back")
    assert later == {"next_action_kind": "standby", "next_action_date": date(2026, 12, 3),
                     "next_action_time": None, "next_action_text": "Call back"}


# Reading the picker --------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "expected"), [
    ({"follow_up": "today"}, MONDAY),
    ({"follow_up": "tomorrow"}, date(2026, 12, 1)),
    ({"follow_up": "next_week"}, date(2026, 12, 7)),
    ({"follow_up": "month", "follow_up_month": "2"}, date(2027, 2, 1)),
    ({"follow_up": "date", "follow_up_date": "2027-01-15"}, date(2027, 1, 15)),
    ({"follow_up": "asked", "asked_amount": "6", "asked_unit": "weeks"}, date(2026, 12, 28)),
    ({"follow_up": "asked", "asked_date": "2026-12-30"}, date(2026, 12, 20)),
])
def test_each_choice_gives_its_date(fields, expected):
    assert read_follow_up(fields, MONDAY)["next_action_date"] == expected


def test_keep_or_nothing_chosen_keeps_the_current_next_action():
    assert read_follow_up({"follow_up": "keep"}, MONDAY) is None
    assert read_follow_up({}, MONDAY) is None


def test_the_next_step_text_comes_along():
    action = read_follow_up({"follow_up": "today", "next_action_text": " Send the quote "},
                            MONDAY)
    assert action["next_action_text"] == "Send the quote"


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({}, "follow_up", "Choose when to follow up next."),
    ({"follow_up": "keep"}, "follow_up", "Choose when to follow up next."),
    ({"follow_up": "someday"}, "follow_up",
     "Choose today, tomorrow, next week, a month or a date."),
    ({"follow_up": "month", "follow_up_month": "13"}, "follow_up_month", "Choose a month."),
    ({"follow_up": "month"}, "follow_up_month", "Choose a month."),
    ({"follow_up": "date", "follow_up_date": "2026-11-29"}, "follow_up_date",
     "Pick today or a later date."),
    ({"follow_up": "date", "follow_up_date": "9999-12-31"}, "follow_up_date",
     "Pick a date within two years, by Nov 29, 2028."),
    ({"follow_up": "asked", "asked_date": "2099-01-01"}, "asked_date",
     "Pick a date within two years, by Nov 29, 2028."),
    ({"follow_up": "date", "follow_up_date": "soon"}, "follow_up_date",
     "Use a date such as 2026-03-31."),
    ({"follow_up": "date", "follow_up_date": " "}, "follow_up_date", "Choose a date."),
    ({"follow_up": "date"}, "follow_up_date", "Choose a date."),
    ({"follow_up": "asked", "asked_amount": "0"}, "asked_amount",
     "Say in how many weeks the client asked to be called."),
    ({"follow_up": "asked", "asked_amount": "999", "asked_unit": "weeks"}, "asked_amount",
     "Say in how many weeks the client asked to be called."),
    ({"follow_up": "asked", "asked_amount": "2", "asked_unit": "years"}, "asked_unit",
     "Use days, weeks or months."),
    ({"follow_up": "asked", "asked_date": "2026-11-30"}, "asked_date",
     "The date the client named must be after today."),
    ({"follow_up": "today", "next_action_text": "x" * 256}, "next_action_text",
     "Too long: at most 255 characters."),
])
def test_a_bad_choice_is_named_in_plain_words(app, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        read_follow_up(fields, MONDAY, required=True)
    assert caught.value.fields[field] == message
