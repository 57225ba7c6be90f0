"""Follow-ups in the calendar: a private feed per person, and one event per lead.

Google, Outlook and Apple calendars subscribe to the feed's secret address; renewing
the secret makes the old address answer 404. A follow-up with a time is a half-hour
event at that time in the team's time zone, in standby too (it comes back then); without
one it is an all-day event on its day.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kanban.extensions import db
from kanban.models import Lead, LeadStatus, User
from kanban.models.base import team_zone, today, utcnow
from kanban.notify.links import at_public_url
from kanban.plugins import collect
from kanban.ui import CalendarItem

if TYPE_CHECKING:
    from icalendar import Calendar, Event

EVENT_MINUTES = 30
PAST_DAYS = 30  # overdue follow-ups stay visible this long
AHEAD_DAYS = 400
MAX_EVENTS = 2000


def renew_calendar_token(user: User) -> str:
    """Give the person a new secret address; the old one stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.commit()
    return user.calendar_token


def calendar_url(user: User) -> str | None:
    """The person's feed address at the team's public address, or None before they ask."""
    if not user.calendar_token:
        return None
    with at_public_url():
        return url_for("web.calendar_feed", token=user.calendar_token, _external=True)


def user_of_calendar(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(User).where(User.calendar_token == token, User.active.is_(True)))


def follow_up_feed(user: User) -> bytes:
    """Return the person's open leads' next actions as an iCalendar feed."""
    day = today()
    leads = db.session.scalars(
        select(Lead).options(joinedload(Lead.stage))
        .where(Lead.owner_id == user.id, Lead.status == LeadStatus.OPEN,
               Lead.next_action_date >= day - timedelta(days=PAST_DAYS),
               Lead.next_action_date <= day + timedelta(days=AHEAD_DAYS))
        .order_by(Lead.next_action_date, Lead.id).limit(MAX_EVENTS)
    )
    calendar = _calendar(_("Kanban follow-ups"))
    for lead in leads:
        calendar.add_component(lead_event(lead))
    for item in collect("kanban_calendar_items", user=user,
                        first=day - timedelta(days=PAST_DAYS),
                        last=day + timedelta(days=AHEAD_DAYS))[:MAX_EVENTS]:
        calendar.add_component(item_event(item))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def item_event(item: CalendarItem) -> Event:
    """A plugin's day (``kanban_calendar_items``) as an all-day event."""
    from icalendar import Event

    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", utcnow())
    event.add("summary", item.summary)
    event.add("dtstart", item.day)
    if item.day < date.max:
        event.add("dtend", item.day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    if item.url:
        event.add("url", item.url)
    if item.description:
        event.add("description", item.description)
    return event


def lead_calendar(lead: Lead) -> bytes:
    """Return one lead's next follow-up as an iCalendar file to add by hand."""
    calendar = _calendar(lead.title)
    calendar.add("method", "PUBLISH")
    calendar.add_component(lead_event(lead))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def lead_event(lead: Lead) -> Event:
    """The lead's next action as an event; the lead must have a follow-up date."""
    from icalendar import Event

    event = Event()
    event.add("uid", f"lead-{lead.id}-next-action@kanban")
    event.add("dtstamp", utcnow())
    event.add("last-modified", lead.updated_at)
    standby = lead.is_standby(today())
    summary = (_("Comes back: %(title)s", title=lead.title) if standby
               else _("Follow up: %(title)s", title=lead.title))
    event.add("summary", summary)
    day = lead.next_action_date
    if lead.next_action_time is not None:  # a standby "until the 20th at 14:30" too
        start = datetime.combine(day, lead.next_action_time, tzinfo=team_zone())
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=EVENT_MINUTES))
    else:
        event.add("dtstart", day)
        if day < date.max:  # a date saved before they were checked may be the last there is
            event.add("dtend", day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # an all-day reminder does not block the day
    link = url_for("web.show_lead", lead_id=lead.id, _external=True)
    event.add("url", link)
    lines = [lead.next_action_text, lead.company or lead.contact_name, lead.phone, lead.email,
             link]
    event.add("description", "\n".join(line for line in lines if line))
    return event


def _calendar(name: str) -> Calendar:
    from icalendar import Calendar  # read when a calendar is asked for, not at every start

    calendar = Calendar()
    calendar.add("prodid", "-//Kanban//Follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(team_zone()))
    return calendar
