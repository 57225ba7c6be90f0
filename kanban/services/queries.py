"""Which leads a filter selects: shared by the board, the API and exports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple, dataclass, fields
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Select,
    Time,
    and_,
    bindparam,
    exists,
    false,
    func,
    not_,
    or_,
    select,
)

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.folding import fold
from kanban.models import Lead, LeadStatus, LeadTag, NextActionKind, Stage
from kanban.models.base import stale_cutoff, start_of, time_now_on, today
from kanban.phones import searched_digits
from kanban.services.lead_input import MAX_ID, read_priority
from kanban.services.priorities import (
    CLIENTS,
    PROSPECTS,
    RATINGS,
    priority_condition,
    priority_key,
)
from kanban.text import has_unstorable, unstorable_message

STATUS_ALL = "all"
STATUS_CLOSED = "closed"
# What needs attention: the next action is late, nobody touched the lead for too long,
# the lead waits for its next action now, or it is a proposal in progress (first on the
# agenda: time has gone into it).
OVERDUE, STALE, TO_DO, PROPOSALS = "overdue", "stale", "todo", "proposals"
NOBODY = "none"
ATTENTION = (OVERDUE, STALE, TO_DO, PROPOSALS)
# Orders a list of leads can take besides the board's own (the order people dragged).
SORTS = ("priority", "next_action", "value", "created")

MAX_TEXT = 200  # characters of a search; what a visitor types beyond them is left out


@dataclass
class LeadFilter:
    """The filters a person can set on the board (and in the URL)."""

    pipeline_id: int | None = None
    stage_id: int | None = None
    owner_id: int | None = None
    unowned: bool = False  # leads nobody owns ("owner_id=none" in the address)
    client_id: int | None = None
    tag: str | None = None
    priority: str | None = None  # "1".."3", "A".."D", "clients" or "prospects"
    starred: bool = False
    attention: str | None = None  # overdue, stale, todo or proposals
    status: str = LeadStatus.OPEN.value  # open, won, lost, cancelled, closed or all
    text: str | None = None
    created_from: date | None = None
    created_to: date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> LeadFilter:
        """Read filters from query-string arguments; raise ValidationError naming bad ones."""
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        for name in ("pipeline_id", "stage_id", "owner_id", "client_id"):
            raw = args.get(name) or args.get(name.removesuffix("_id"))
            if raw in (None, ""):
                continue
            if name == "owner_id" and raw == NOBODY:
                values["unowned"] = True
                continue
            try:
                values[name] = int(raw)
            except (TypeError, ValueError):
                errors[name] = _("Must be a number.")
                continue
            if not 1 <= values[name] <= MAX_ID:
                del values[name]
                errors[name] = _("There is nothing with this id.")
        if tag := (args.get("tag") or "").strip().lower():
            values["tag"] = tag
            if has_unstorable(tag):
                errors["tag"] = unstorable_message()
        if raw := (args.get("priority") or "").strip():
            if raw.upper() in RATINGS:
                values["priority"] = raw.upper()
            elif raw.lower() in (CLIENTS, PROSPECTS):
                values["priority"] = raw.lower()
            elif (priority := read_priority(raw)) is not None:
                values["priority"] = str(priority)
            else:
                errors["priority"] = _("Use 1, 2 or 3 for prospects, A, B, C or D for clients.")
        if raw := (args.get("starred") or "").strip().lower():
            if raw in ("1", "true", "yes", "on"):
                values["starred"] = True
            elif raw not in ("0", "false", "no", "off"):
                errors["starred"] = _("Use 1 for starred leads only.")
        if raw := (args.get("attention") or "").strip().lower():
            if raw in ATTENTION:
                values["attention"] = raw
            else:
                errors["attention"] = _("Use overdue, stale, todo or proposals.")
        if raw := (args.get("status") or "").strip().lower():
            if raw in {*(s.value for s in LeadStatus), STATUS_ALL, STATUS_CLOSED}:
                values["status"] = raw
            else:
                errors["status"] = _("Use open, won, lost, cancelled, closed or all.")
        if text := (args.get("q") or args.get("text") or "").strip():
            values["text"] = text[:MAX_TEXT]
            if has_unstorable(text):
                errors["q"] = unstorable_message()
        for name in ("created_from", "created_to"):
            if raw := (args.get(name) or "").strip():
                try:
                    values[name] = date.fromisoformat(raw)
                except ValueError:
                    errors[name] = _("Use a date such as 2026-03-31.")
        if errors:
            raise ValidationError(_("Some filters are not valid."), fields=errors)
        return cls(**values)

    def to_args(self) -> dict[str, str]:
        """Return the filters as query-string arguments (the ones that are set)."""
        args: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value is False or (
                f.name == "status" and value == LeadStatus.OPEN
            ):
                continue
            if f.name == "unowned":
                args["owner_id"] = NOBODY
                continue
            if value is True:
                value = "1"
            args["q" if f.name == "text" else f.name] = (
                value.isoformat() if isinstance(value, date) else str(value)
            )
        return args

    @property
    def is_default(self) -> bool:
        return not self.to_args()

    def statement_key(self) -> tuple[Any, ...] | None:
        """What ``filter_leads`` builds a statement from (the filters, and the day for
        those reckoned on it), to keep the statement (kanban.services.statements); None
        when it also reads the database (the stages' stale limits)."""
        if self.attention in (STALE, OVERDUE):  # overdue reads the clock too
            return None
        return (astuple(self), today() if self.attention else None)


def filter_leads(
    filters: LeadFilter, statement: Select | None = None, *, on: date | None = None
) -> Select:
    """Return a statement selecting the leads that match ``filters`` (unordered).

    ``on`` is the day overdue, stale and to-do are reckoned on (today by default).
    """
    stmt = statement if statement is not None else select(Lead)
    conditions = []
    if filters.pipeline_id is not None:
        conditions.append(
            Lead.stage_id.in_(select(Stage.id).where(Stage.pipeline_id == filters.pipeline_id))
        )
    if filters.stage_id is not None:
        conditions.append(Lead.stage_id == filters.stage_id)
    if filters.owner_id is not None:
        conditions.append(Lead.owner_id == filters.owner_id)
    if filters.unowned:
        conditions.append(Lead.owner_id.is_(None))
    if filters.client_id is not None:
        conditions.append(Lead.client_id == filters.client_id)
    if filters.priority is not None:
        conditions.append(priority_condition(filters.priority))
    if filters.starred:
        conditions.append(Lead.starred)
    if filters.attention is not None:
        conditions.append(attention_condition(filters.attention, on or today()))
    if filters.tag:
        conditions.append(
            exists().where(and_(LeadTag.lead_id == Lead.id, LeadTag.tag == filters.tag))
        )
    if filters.status == STATUS_CLOSED:
        conditions.append(Lead.status != LeadStatus.OPEN)
    elif filters.status != STATUS_ALL:
        conditions.append(Lead.status == filters.status)
    if filters.text:
        conditions.append(lead_text_condition(filters.text))
    if filters.created_from is not None:
        conditions.append(Lead.created_at >= start_of(filters.created_from))
    if filters.created_to is not None and filters.created_to < date.max:
        conditions.append(Lead.created_at < start_of(filters.created_to + timedelta(days=1)))
    return stmt.where(*conditions)


def text_condition(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """SQL: the folded ``column`` (a ``search_text``) contains ``text``, whatever its case
    and accents (see kanban.folding)."""
    return column.like(contains_pattern(fold(text)), escape="\\")


def lead_text_condition(text: str) -> ColumnElement[bool]:
    """SQL: the lead's searched fields contain ``text``; a phone number typed with other
    punctuation (or none) finds the lead's phone too."""
    return _or_by_phone(text_condition(Lead.search_text, text), text)


def contact_condition(text: str) -> ColumnElement[bool]:
    """SQL: the lead's contact person, email or phone contains ``text`` (see
    CONTACT_FIELDS: they are the lines after the second line break of search_text); a phone
    number is found however it is typed, as in ``lead_text_condition``."""
    pattern = "%\n%\n" + contains_pattern(fold(text))
    return _or_by_phone(Lead.search_text.like(pattern, escape="\\"), text)


def _or_by_phone(condition: ColumnElement[bool], text: str) -> ColumnElement[bool]:
    digits = searched_digits(text)
    return (condition | Lead.phone_search_digits.like(contains_pattern(digits)) if digits
            else condition)


def like_literal(text: str) -> str:
    """Return ``text`` as a part of a LIKE pattern (escape character \\) standing for
    itself: its % and _ are no wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(text: str) -> str:
    """Return a LIKE pattern (escape character \\) matching values that contain ``text``."""
    return "%" + like_literal(text) + "%"


def in_standby(day: date) -> ColumnElement[bool]:
    """SQL: the lead waits in standby until a date after ``day``."""
    return and_(Lead.next_action_kind == NextActionKind.STANDBY, Lead.next_action_date > day)


OVERDUE_AT = "overdue_at"  # the bound time of day: give it again to a statement kept


def overdue_condition(day: date) -> ColumnElement[bool]:
    """SQL: the follow-up is late on ``day``: its day has passed, or it is that day at a time
    already past (the parameter OVERDUE_AT, the team's time now; see ``Lead.is_overdue``).
    A statement kept for later is run with ``{OVERDUE_AT: time_now_on(day)}``."""
    at = bindparam(OVERDUE_AT, value=time_now_on(day), type_=Time)
    return or_(Lead.next_action_date < day,
               and_(Lead.next_action_date == day, Lead.next_action_time < at))


def attention_condition(attention: str, day: date) -> ColumnElement[bool]:
    """SQL: open leads that are overdue, stale, to do on ``day``, or proposals."""
    is_open = Lead.status == LeadStatus.OPEN
    if attention == PROPOSALS:
        return and_(is_open, Lead.stage_id.in_(select(Stage.id).where(Stage.is_proposal)))
    if attention == OVERDUE:
        return and_(is_open, overdue_condition(day))
    if attention == TO_DO:
        return and_(is_open, not_(in_standby(day)))
    return and_(is_open, not_(in_standby(day)), stale_condition(day))


def stale_condition(day: date) -> ColumnElement[bool]:
    """SQL: the lead's stage has a stale limit and its last touch is older than that.

    Stages are few, so each one's cutoff is worked out here: the same SQL on every
    database, with no date arithmetic in it.
    """
    limits = db.session.execute(
        select(Stage.id, Stage.stale_days).where(Stage.stale_days > 0)
    ).all()
    if not limits:
        return false()
    return or_(*(
        and_(Lead.stage_id == stage_id, Lead.touched_at < stale_cutoff(day, days))
        for stage_id, days in limits
    ))


def sort_leads(statement: Select, sort: str, *, day: date | None = None,
               prospects_first: bool = False) -> Select:
    """Order a statement of leads by one of SORTS, the first to act on first, ties by id.

    With ``day``, a lead to do with no date counts as due that day; ``prospects_first``
    puts prospects before clients in priority order. On one day, follow-ups with a time
    come first, by their time.
    """
    priority = priority_key(prospects_first=prospects_first)
    if day is not None:
        due: tuple[Any, ...] = (func.coalesce(Lead.next_action_date, day),)
    else:
        due = (Lead.next_action_date.is_(None), Lead.next_action_date)
    due = (*due, Lead.next_action_time.is_(None), Lead.next_action_time)
    if sort == "priority":
        return statement.order_by(priority, Lead.starred.desc(), *due, Lead.id)
    if sort == "next_action":
        return statement.order_by(*due, priority, Lead.id)
    if sort == "value":
        return statement.order_by(Lead.value.is_(None), Lead.value.desc(), Lead.id)
    return statement.order_by(Lead.created_at.desc(), Lead.id.desc())


def read_sort(args: Mapping[str, Any]) -> str | None:
    """Read the ``sort`` argument (None: the board's own order); name it when unknown."""
    raw = (args.get("sort") or "").strip().lower()
    if not raw or raw == "board":
        return None
    if raw not in SORTS:
        raise ValidationError(
            _("Some filters are not valid."),
            fields={"sort": _("Sort by priority, next_action, value or created.")},
        )
    return raw
