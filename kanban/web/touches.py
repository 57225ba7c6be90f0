"""What the pages share to log a touch: the follow-up picker's options and answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import request
from flask_babel import format_date
from flask_babel import gettext as _

from kanban.models import Lead, NextActionKind
from kanban.models.base import today
from kanban.services.followup import ASKED_UNITS, MAX_AHEAD_DAYS, month_date, next_week
from kanban.templating import day as format_day
from kanban.templating import one_full_stop

FOLLOW_UP_FIELDS = (
    "follow_up", "follow_up_month", "follow_up_date", "asked_amount", "asked_unit",
    "asked_date", "follow_up_time", "next_action_text",
)


@dataclass(frozen=True)
class FollowUpOptions:
    """The dates each follow-up choice stands for today, worked out once per page."""

    today: date
    tomorrow: date
    next_week: date
    months: list[tuple[int, str]]  # (month number, "February 2027")
    latest: date  # the furthest date a follow-up may be set to
    units: tuple[str, ...] = ASKED_UNITS


def follow_up_options(today: date) -> FollowUpOptions:
    """Return the follow-up picker's choices, with the dates and months they mean today."""
    # The months ahead, next month first; this month is today, tomorrow or a date.
    months = [
        (month, format_date(month_date(month, today), "LLLL y"))
        for month in [*range(today.month + 1, 13), *range(1, today.month)]
    ]
    return FollowUpOptions(today, today + timedelta(days=1), next_week(today), months,
                           today + timedelta(days=MAX_AHEAD_DAYS))


def posted_follow_up() -> dict[str, str]:
    """Return the follow-up picker's fields from the posted form."""
    return {name: request.form.get(name, "") for name in FOLLOW_UP_FIELDS if name in request.form}


def touch_logged_message(lead: Lead) -> str:
    """Say what was saved and when the lead comes up next, in plain words."""
    if not lead.is_open:
        return _("Added to the timeline of %(title)s.", title=lead.title)
    when = lead.next_action_date
    if when is None or when <= today():
        return _("Saved. %(title)s stays on today's list.", title=lead.title)
    if lead.next_action_kind == NextActionKind.TODO.value:  # due then, not away till then
        return one_full_stop(_("Saved. %(title)s is due on %(date)s.", title=lead.title,
                               date=format_day(when)))
    return one_full_stop(_("Saved. %(title)s comes back on %(date)s.", title=lead.title,
                           date=format_day(when)))
