"""Which leads a filter selects: shared by the board, the API and exports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, exists, or_, select

from kanban.errors import ValidationError
from kanban.models import Lead, LeadStatus, LeadTag, Stage
from kanban.services.lead_input import MAX_ID, PRIORITY_NAMES

STATUS_ALL = "all"
STATUS_CLOSED = "closed"


@dataclass
class LeadFilter:
    """The filters a person can set on the board (and in the URL)."""

    pipeline_id: int | None = None
    stage_id: int | None = None
    owner_id: int | None = None
    tag: str | None = None
    priority: int | None = None
    status: str = LeadStatus.OPEN.value  # open, won, lost, cancelled, closed or all
    text: str | None = None
    created_from: date | None = None
    created_to: date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> LeadFilter:
        """Read filters from query-string arguments; raise ValidationError naming bad ones."""
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        for name in ("pipeline_id", "stage_id", "owner_id"):
            raw = args.get(name) or args.get(name.removesuffix("_id"))
            if raw in (None, ""):
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
            if "\x00" in tag:
                errors["tag"] = _("Contains a character that cannot be stored.")
        if raw := (args.get("priority") or "").strip().lower():
            if raw in PRIORITY_NAMES:
                values["priority"] = int(PRIORITY_NAMES[raw])
            elif raw.isascii() and raw.isdigit() and int(raw) in PRIORITY_NAMES.values():
                values["priority"] = int(raw)
            else:
                errors["priority"] = _("Use low, normal or high.")
        if raw := (args.get("status") or "").strip().lower():
            if raw in {*(s.value for s in LeadStatus), STATUS_ALL, STATUS_CLOSED}:
                values["status"] = raw
            else:
                errors["status"] = _("Use open, won, lost, cancelled, closed or all.")
        if text := (args.get("q") or args.get("text") or "").strip():
            values["text"] = text[:200]
            if "\x00" in text:
                errors["q"] = _("Contains a character that cannot be stored.")
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
            if value is None or (f.name == "status" and value == LeadStatus.OPEN):
                continue
            args["q" if f.name == "text" else f.name] = (
                value.isoformat() if isinstance(value, date) else str(value)
            )
        return args

    @property
    def is_default(self) -> bool:
        return not self.to_args()


def filter_leads(filters: LeadFilter, statement: Select | None = None) -> Select:
    """Return a statement selecting the leads that match ``filters`` (unordered)."""
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
    if filters.priority is not None:
        conditions.append(Lead.priority == filters.priority)
    if filters.tag:
        conditions.append(
            exists().where(and_(LeadTag.lead_id == Lead.id, LeadTag.tag == filters.tag))
        )
    if filters.status == STATUS_CLOSED:
        conditions.append(Lead.status != LeadStatus.OPEN)
    elif filters.status != STATUS_ALL:
        conditions.append(Lead.status == filters.status)
    if filters.text:
        pattern = "%" + filters.text.replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_"
        ) + "%"
        conditions.append(
            or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (Lead.title, Lead.company, Lead.contact_name, Lead.email,
                                   Lead.phone)
                )
            )
        )
    if filters.created_from is not None:
        conditions.append(Lead.created_at >= _start_of(filters.created_from))
    if filters.created_to is not None and filters.created_to < date.max:
        conditions.append(Lead.created_at < _start_of(filters.created_to + timedelta(days=1)))
    return stmt.where(*conditions)


def _start_of(day: date) -> datetime:
    """Return midnight UTC of the day: created_at is a timestamp, not a date."""
    return datetime.combine(day, time.min, tzinfo=UTC)
