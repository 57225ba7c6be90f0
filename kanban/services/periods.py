"""Periods of the results page: this month, last quarter, a custom range…"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_

from kanban.errors import ValidationError
from kanban.models.base import start_of

THIS_MONTH, LAST_MONTH = "this_month", "last_month"
THIS_QUARTER, LAST_QUARTER = "this_quarter", "last_quarter"
THIS_YEAR, LAST_12_MONTHS, CUSTOM = "this_year", "last_12_months", "custom"
PERIODS = (THIS_MONTH, LAST_MONTH, THIS_QUARTER, LAST_QUARTER, THIS_YEAR, LAST_12_MONTHS, CUSTOM)
WEEK, MONTH = "week", "month"
# Up to about a quarter, sales are shown week by week; longer periods month by month.
MAX_WEEKLY_DAYS = 92
# Bounds that keep a typed date (and the month after it) within what dates can hold.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
# A custom period is at most ten years: beyond that the chart has more months than room.
MAX_CUSTOM_DAYS = 3653


@dataclass(frozen=True)
class Period:
    """Days from ``start`` (included) to ``end`` (excluded)."""

    key: str
    start: date
    end: date
    # The day weeks start on in the reader's country (0 Monday ... 6 Sunday), for weekly sums.
    first_weekday: int = 0

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def unit(self) -> str:
        """Tell how sales are grouped over the period: by week or by month."""
        return WEEK if self.days <= MAX_WEEKLY_DAYS else MONTH

    def contains(self, column: Any) -> ColumnElement[bool]:
        """SQL: the timestamp ``column`` falls within the period."""
        return and_(column >= start_of(self.start), column < start_of(self.end))

    def buckets(self) -> list[date]:
        """Return the first day of every week or month the period touches."""
        if self.unit == WEEK:
            first, step = week_start(self.start, self.first_weekday), None
        else:
            first, step = self.start.replace(day=1), MONTH
        found = []
        current = first
        while current < self.end:
            found.append(current)
            current = add_months(current, 1) if step else current + timedelta(days=7)
        return found


def week_start(day: date, first_weekday: int) -> date:
    """Return the first day of ``day``'s week, for weeks that start on ``first_weekday``."""
    return day - timedelta(days=(day.weekday() - first_weekday) % 7)


def add_months(day: date, months: int) -> date:
    """Return the same day ``months`` later, or the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_for(key: str, today: date) -> Period:
    """Return the named period (one of PERIODS but custom) as it stands on ``today``."""
    month = today.replace(day=1)
    quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    ranges = {
        THIS_MONTH: (month, add_months(month, 1)),
        LAST_MONTH: (add_months(month, -1), month),
        THIS_QUARTER: (quarter, add_months(quarter, 3)),
        LAST_QUARTER: (add_months(quarter, -3), quarter),
        THIS_YEAR: (today.replace(month=1, day=1), today.replace(year=today.year + 1, month=1,
                                                                 day=1)),
        LAST_12_MONTHS: (add_months(month, -11), add_months(month, 1)),
    }
    start, end = ranges[key]
    return Period(key, start, end)


def read_period(args: Mapping[str, Any], today: date) -> Period:
    """Read the period from query arguments; raise ValidationError naming bad ones."""
    key = (args.get("period") or THIS_MONTH).strip().lower()
    if key not in PERIODS:
        raise ValidationError(
            _("Some choices are not valid."),
            fields={"period": _("Choose one of the periods in the list.")},
        )
    if key != CUSTOM:
        named = period_for(key, today)
        typed = tuple((args.get(name) or "").strip() for name in ("from", "to"))
        if not any(typed) or typed == (named.start.isoformat(), named.last_day.isoformat()):
            return named
        # Dates typed over a named period's own: the person meant those dates.
    errors: dict[str, str] = {}
    days: dict[str, date] = {}
    for name in ("from", "to"):
        raw = (args.get(name) or "").strip()
        if not raw:
            errors[name] = _("Give a date for a period of your choice.")
            continue
        try:
            days[name] = date.fromisoformat(raw)
        except ValueError:
            errors[name] = _("Use a date such as 2026-03-31.")
            continue
        if not FIRST_DAY <= days[name] <= LAST_DAY:
            errors[name] = _("Use a date between the years 1900 and 2999.")
    if not errors and days["to"] < days["from"]:
        errors["to"] = _("The last day comes before the first day.")
    elif not errors and (days["to"] - days["from"]).days >= MAX_CUSTOM_DAYS:
        errors["to"] = _("Choose a period of ten years at most.")
    if errors:
        raise ValidationError(_("Some choices are not valid."), fields=errors)
    return Period(CUSTOM, days["from"], days["to"] + timedelta(days=1))
