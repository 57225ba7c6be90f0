"""The next action: when to follow up, and logging a touch together with it.

Every open lead has a next action: *to do* now, or *standby* until a date, when it
comes back to *to do* by itself (nothing runs at that date: the date decides). A
person picks the follow-up in words (today, tomorrow, next week, a month, a date, or
"the client asked for N weeks", which suggests two thirds of the interval so the call
comes before the client has bought elsewhere).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time, timedelta
from typing import Any

from flask_babel import gettext as _

from kanban.errors import Conflict, ValidationError
from kanban.extensions import db
from kanban.models import TOUCH_KINDS, Activity, ActivityKind, Lead, NextActionKind, User
from kanban.models.base import today as today_
from kanban.models.base import utcnow
from kanban.notify.events import tell_client_wrote
from kanban.permissions import require
from kanban.plugins import fire_event
from kanban.services import leads as lead_service
from kanban.services import outbox
from kanban.services.lead_input import TEXT_LIMITS, not_before_today, read_time_of_day
from kanban.services.periods import add_months

KEEP, TODAY, TOMORROW, NEXT_WEEK, MONTH, DATE, ASKED = (
    "keep", "today", "tomorrow", "next_week", "month", "date", "asked"
)
FOLLOW_UPS = (TODAY, TOMORROW, NEXT_WEEK, MONTH, DATE, ASKED)
ASKED_UNITS = ("days", "weeks", "months")
MAX_ASKED = {"days": 730, "weeks": 104, "months": 24}
MAX_AHEAD_DAYS = 730  # the furthest a follow-up date may be set
MAX_BODY = 100_000


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def next_week(today: date) -> date:
    """Return Monday of the week after ``today``."""
    return today + timedelta(days=7 - today.weekday())


def month_date(month: int, today: date) -> date:
    """Return when "in <month>" falls: its first day, next year for an earlier month.

    In December, February means February of next year; the current month means today.
    """
    if month == today.month:
        return today
    year = today.year + (1 if month < today.month else 0)
    return date(year, month, 1)


def two_thirds_date(today: date, *, amount: int = 0, unit: str = "weeks",
                    until: date | None = None) -> date:
    """Suggest calling at two thirds of the interval the client named.

    Clients name the latest time to call back; by then they have often bought. The
    interval is ``amount`` ``unit`` from today, or up to ``until``. Never before tomorrow.
    """
    if until is None:
        if unit == "months":
            until = add_months(today, amount)
        else:
            until = today + timedelta(days=amount * (7 if unit == "weeks" else 1))
    days = (until - today).days * 2 // 3
    return today + timedelta(days=max(1, days))


def next_action_on(day: date, today: date, text: str = "",
                   at: time | None = None) -> dict[str, Any]:
    """Return the next-action values for following up on ``day`` (at a time of day, or any
    time that day): to do, or standby."""
    kind = NextActionKind.TODO if day <= today else NextActionKind.STANDBY
    return {"next_action_kind": kind.value, "next_action_date": day, "next_action_time": at,
            "next_action_text": text}


# ---------------------------------------------------------------------------
# Reading the follow-up picker
# ---------------------------------------------------------------------------


def read_follow_up(
    data: Mapping[str, Any], today: date, *, required: bool = False
) -> dict[str, Any] | None:
    """Turn the follow-up picker's fields into next-action values.

    Fields: ``follow_up`` (one of FOLLOW_UPS, or "keep"/empty), ``follow_up_month``
    (1-12), ``follow_up_date`` (ISO date), ``asked_amount`` with ``asked_unit``, or
    ``asked_date``, ``follow_up_time`` (HH:MM, optional) and ``next_action_text``.
    Returns None to keep the current next action; raises ValidationError naming the field
    that is wrong.
    """
    choice = _text(data.get("follow_up")).lower()
    text = _text(data.get("next_action_text"))
    errors: dict[str, str] = {}
    if len(text) > TEXT_LIMITS["next_action_text"]:
        errors["next_action_text"] = _("Too long: at most %(limit)d characters.",
                                       limit=TEXT_LIMITS["next_action_text"])
    if choice in ("", KEEP):
        if required:
            errors["follow_up"] = _("Choose when to follow up next.")
        _refuse(errors)
        return None
    if choice not in FOLLOW_UPS:
        errors["follow_up"] = _("Choose today, tomorrow, next week, a month or a date.")
        _refuse(errors)
    day = _day_of(choice, data, today, errors)
    at = None
    if raw_time := _text(data.get("follow_up_time")):
        at = read_time_of_day(raw_time)
        if at is None:
            errors["follow_up_time"] = _("Use a time of day such as 09:30.")
    _refuse(errors)
    return next_action_on(day, today, text, at)


def _day_of(choice: str, data: Mapping[str, Any], today: date, errors: dict[str, str]) -> date:
    if choice == TODAY:
        return today
    if choice == TOMORROW:
        return today + timedelta(days=1)
    if choice == NEXT_WEEK:
        return next_week(today)
    if choice == MONTH:
        month = _whole(data.get("follow_up_month"))
        if month is None or not 1 <= month <= 12:
            errors["follow_up_month"] = _("Choose a month.")
            return today
        return month_date(month, today)
    if choice == DATE:
        day = iso_day(data.get("follow_up_date"))
        if day is None:
            errors["follow_up_date"] = no_day(data.get("follow_up_date"))
        elif day < today:
            errors["follow_up_date"] = not_before_today()
        elif day > furthest_day(today):
            errors["follow_up_date"] = too_far(today)
        return day or today
    asked_date = _text(data.get("asked_date"))
    if asked_date:
        until = iso_day(asked_date)
        if until is None:
            errors["asked_date"] = _("Use a date such as 2026-03-31.")
        elif until <= today:
            errors["asked_date"] = _("The date the client named must be after today.")
        elif until > furthest_day(today):
            errors["asked_date"] = too_far(today)
        else:
            return two_thirds_date(today, until=until)
        return today
    unit = _text(data.get("asked_unit")).lower() or "weeks"
    amount = _whole(data.get("asked_amount"))
    if unit not in ASKED_UNITS:
        errors["asked_unit"] = _("Use days, weeks or months.")
        return today
    if amount is None or not 1 <= amount <= MAX_ASKED[unit]:
        errors["asked_amount"] = _("Say in how many %(unit)s the client asked to be called.",
                                   unit=_unit_name(unit))
        return today
    return two_thirds_date(today, amount=amount, unit=unit)


def furthest_day(today: date) -> date:
    """The furthest day a follow-up (or a prospect's call-back) may be set for: a mistyped
    year would hide it for good."""
    return today + timedelta(days=MAX_AHEAD_DAYS)


def too_far(today: date) -> str:
    """Say that a follow-up day is past ``furthest_day``."""
    from kanban.templating import day  # the app's one way of writing a day

    return _("Pick a date within two years, by %(last)s.", last=day(furthest_day(today)))


def _unit_name(unit: str) -> str:
    return {"days": _("days"), "weeks": _("weeks"), "months": _("months")}[unit]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _whole(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _text(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 6 else None


def no_day(value: Any) -> str:
    """Why a day that ``iso_day`` cannot read is refused: none was chosen, or the text is
    not a date (the browser's date picker always sends one)."""
    if value is None or not str(value).strip():
        return _("Choose a date.")
    return _("Use a date such as 2026-03-31.")


def iso_day(value: Any) -> date | None:
    """Return a date given as a date or as ISO text, or None when it is neither."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        return None


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(_("Some fields need your attention."), fields=errors)


# ---------------------------------------------------------------------------
# The client wrote
# ---------------------------------------------------------------------------

ATTEMPTS = 3  # a card moved or edited meanwhile is read again, a few times at most


def client_wrote(lead: Lead, words: str = "", *, today: date | None = None) -> Lead:
    """The client wrote (a web form, an email): bring the lead back to *to do* today and
    tell its owner what they wrote.

    A lead in standby (or due later) becomes due today, whatever date it was for, so it
    tops the agenda. The owner is told, or when nobody owns the lead the people told of a
    lead waiting for an owner: the message may reach the team without them seeing it (a
    mailbox forwarding to the dropbox, a web form)."""
    day = today or today_()
    for _attempt in range(ATTEMPTS):
        if not lead.is_open:
            return lead
        changes = _due_now(lead, day)
        if not changes:
            break
        try:
            lead = lead_service.update_lead(lead, changes, user=None)
            break
        except Conflict:  # someone moved or edited the card meanwhile: read it again
            db.session.expire_all()
            lead = lead_service.get_lead(lead.id)
    tell_client_wrote(lead, words)
    return lead


def _due_now(lead: Lead, day: date) -> dict[str, Any]:
    """The next-action changes that make the lead *to do* by ``day``: a standby ends, a
    follow-up set for later becomes ``day`` (one already late stays late)."""
    changes: dict[str, Any] = {}
    if lead.next_action_kind == NextActionKind.STANDBY:
        changes["next_action_kind"] = NextActionKind.TODO.value
    if lead.next_action_date is not None and lead.next_action_date > day:
        changes.update(next_action_date=day, next_action_time=None)
    return changes


# ---------------------------------------------------------------------------
# Logging a touch
# ---------------------------------------------------------------------------


def log_touch(
    lead: Lead,
    body: str,
    *,
    kind: str = ActivityKind.NOTE,
    follow_up: Mapping[str, Any] | None = None,
    user: User | None,
    today: date | None = None,
) -> Activity:
    """Log a touch (a call, an email, a meeting or a note) and set the next action with it.

    A call, an email or a meeting on an open lead must say when to follow up next; a
    note may keep the current next action. Both are written in one transaction.
    """
    if user is not None:
        require(user, "lead.note")
    day = today or today_()
    errors: dict[str, str] = {}
    if kind not in TOUCH_KINDS:
        errors["kind"] = _("Use note, call, email or meeting.")
    if not isinstance(body, str) or not body.strip():
        errors["body"] = _("Write what happened.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("At most 100,000 characters.")
    try:
        next_action = read_follow_up(
            follow_up or {}, day, required=lead.is_open and kind != ActivityKind.NOTE
        )
    except ValidationError as exc:
        errors.update(exc.fields)
        next_action = None
    if next_action is not None and not lead.is_open:
        errors["follow_up"] = _("A closed lead has no next action. Reopen it first.")
    _refuse(errors)
    if next_action is None:
        return lead_service.add_note(lead, body, kind=kind, user=user)
    changes: dict[str, list[Any]] = {}
    for name, new in next_action.items():
        old = getattr(lead, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(lead, name, new)
    now = utcnow()
    activity = Activity(
        lead_id=lead.id, author_id=user.id if user else None, kind=str(kind),
        body=body.replace("\x00", "").strip(),
        payload={"next_action": {name: _plain(value) for name, value in next_action.items()}},
        created_at=now,
    )
    lead.updated_at = lead.touched_at = now
    db.session.add(activity)
    outbox.record(outbox.NOTED, lead, user=user, entry=str(kind))
    if changes:
        outbox.record(outbox.UPDATED, lead, user=user, fields=sorted(changes))
    lead_service.commit_or_conflict(lead)
    fire_event("kanban_lead_noted", lead=lead, activity=activity, user=user)
    if changes:
        fire_event("kanban_lead_updated", lead=lead, changes=changes, user=user)
    return activity


def _plain(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value.isoformat() if isinstance(value, date) else value
