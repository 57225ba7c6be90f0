"""What an export holds: the columns a person can pick and the rows, read in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, case, func, null, select, true, type_coerce

from kanban import lead_fields
from kanban.extensions import db
from kanban.models import Activity, Client, Lead, LeadStatus, LeadTag, Stage, User
from kanban.models.base import local_day, team_zone
from kanban.plugins import collect
from kanban.services.queries import LeadFilter, filter_leads
from kanban.services.sources import source_name
from kanban.ui import ExportFormat
from kanban.words import lost_reason, next_action_name, status_name

# Leads read at a time from one streaming query, so that memory holds one batch
# whatever the export's size; tags and last activity are read per batch.
BATCH = 1000
CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy string: translated when the header is written
    expression: Any = None  # a SQL column or expression read with the lead
    convert: Callable[[Any], Any] | None = None
    kind: str = ""  # "amount", "date" or "moment": read as text on SQLite (faster)
    # A stored key (a status, a source) written in the reader's words: a few keys, many rows.
    words: Callable[[str], str] | None = None


def _date_of(value):
    return local_day(value) if value is not None else None


# How a lead field is written: a field that points at another row by that row's name,
# a stored key in the reader's words, a time of day as HH:MM (what the import reads).
_POINTS_AT = {"owner_id": ("owner", User.name), "client_id": ("client", Client.name)}
_KINDS = {lead_fields.AMOUNT: "amount", lead_fields.DATE: "date"}
_WORDS = {"source": source_name, "next_action_kind": next_action_name,
          "lost_reason": lost_reason}
# Closing a lead ends its next action: a closed lead's row leaves these cells empty.
_OPEN_ONLY = {"next_action_kind", "next_action_date", "next_action_time", "next_action_text"}
_CONVERT = {lead_fields.TIME: lambda moment: moment.strftime("%H:%M")}


def _field_column(field: lead_fields.LeadField) -> Column:
    key, expression = _POINTS_AT.get(field.name, (field.name, None))
    if expression is None and field.kind != lead_fields.TAGS:  # tags: read per batch
        expression = getattr(Lead, field.name)
    if field.name in _OPEN_ONLY:
        expression = case((Lead.status == LeadStatus.OPEN.value, expression), else_=null())
    return Column(key, field.label, expression, convert=_CONVERT.get(field.kind),
                  kind=_KINDS.get(field.kind, ""), words=_WORDS.get(field.name))


# The lead's own fields, from the core's table, between what the lead is and where it stands.
LEAD_COLUMNS = [
    Column("id", _l("Lead id"), Lead.id),
    *(_field_column(field) for field in lead_fields.EXPORTED),
    Column("status", _l("Status"), Lead.status, words=status_name),
    Column("stage", _l("Stage"), Stage.name),
    Column("owner_email", _l("Owner email"), User.email),
    Column("last_activity", _l("Last activity date")),
    Column("created_at", _l("Created"), Lead.created_at, kind="moment"),
    Column("updated_at", _l("Updated"), Lead.updated_at, kind="moment"),
    Column("closed_at", _l("Closed"), Lead.closed_at, kind="moment"),
]
COLUMNS_BY_KEY = {column.key: column for column in LEAD_COLUMNS}
DEFAULT_COLUMNS = [
    "title", "contact_name", "company", "email", "phone", "value", "currency", "source",
    "stage", "owner", "tags", "status", "next_action_date", "next_action_text",
    "last_activity", "created_at",
]


def _stored_moment(text: str) -> datetime:
    """Read a moment as SQLite stores it: UTC text without its offset.

    Read as text and parsed here, it costs a fraction of SQLAlchemy's conversion (and of
    ``replace(tzinfo=UTC)``); the format then writes it as its readers expect.
    """
    return datetime.fromisoformat(text + "+00:00")


def custom_field_keys(filters: LeadFilter) -> list[str]:
    """Return the custom-field names found on the filtered leads (web forms add these)."""
    if db.session.get_bind().dialect.name == "sqlite":
        each = func.json_each(Lead.custom_fields).table_valued("key")
    else:
        each = func.jsonb_object_keys(Lead.custom_fields).table_valued("key").render_derived()
    statement = select(each.c.key).select_from(Lead).join(each, true()).distinct()
    keys = db.session.scalars(filter_leads(filters, statement))
    return sorted((key for key in keys if isinstance(key, str)), key=str.lower)


def resolve_columns(keys: Sequence[str]) -> list[Column]:
    """Return the columns for the chosen keys (unknown keys are left out)."""
    columns = []
    for key in dict.fromkeys(keys):
        if key in COLUMNS_BY_KEY:
            columns.append(COLUMNS_BY_KEY[key])
        elif key.startswith(CUSTOM_PREFIX) and key[len(CUSTOM_PREFIX):].strip():
            name = key[len(CUSTOM_PREFIX):]
            columns.append(Column(key, name))
    return columns


def export_formats() -> dict[str, ExportFormat]:
    """Return every registered export format by key (this plugin's and others')."""
    return {fmt.key: fmt for fmt in collect("kanban_register_export_formats")}


def count_leads(filters: LeadFilter) -> int:
    """Count the leads an export with these filters holds."""
    return db.session.scalar(filter_leads(filters, select(func.count(Lead.id)))) or 0


def header_of(columns: Sequence[Column]) -> list[str]:
    return [str(column.label) for column in columns]


def iter_rows(filters: LeadFilter, columns: Sequence[Column]) -> Iterator[list[Any]]:
    """Yield one list of typed values per lead (numbers, dates, text), oldest lead first."""
    keys = [column.key for column in columns]
    width = len(columns)
    # One SQL column per export column, in order (NULL where the value comes from
    # elsewhere), then the lead's id and custom fields: a row is then a slice, not a loop.
    as_text = db.session.get_bind().dialect.name == "sqlite"
    custom = [(index, column.key[len(CUSTOM_PREFIX):]) for index, column in enumerate(columns)
              if column.key.startswith(CUSTOM_PREFIX)]
    custom = [(index, name, _plain_key(name)) for index, name in custom]
    selected = []
    converters = []
    for index, column in enumerate(columns):
        if column.expression is None:
            selected.append(null())
        elif as_text and column.kind == "amount":
            # SQLAlchemy's Decimal conversion is the dearest step of an export on SQLite;
            # reading the amount as text and making the Decimal here costs a third of it.
            selected.append(case((column.expression.is_(None), None),
                                 else_=func.printf("%.2f", column.expression)))
            converters.append((index, Decimal))
        elif as_text and column.kind == "moment":
            selected.append(type_coerce(column.expression, String))
            converters.append((index, _stored_moment))
        elif as_text and column.kind:  # a day: its ISO 8601 text is what every file holds
            selected.append(type_coerce(column.expression, String))
        else:
            selected.append(column.expression)
        if column.convert is not None:
            converters.append((index, column.convert))
        if column.words is not None:
            converters.append((index, _once_per_key(column.words)))
    selected.append(Lead.id)
    for _index, name, plain in custom:
        selected.append(_custom_value(name, as_text) if plain else Lead.custom_fields)
    statement = select(*selected).join(Stage, Stage.id == Lead.stage_id)
    if {"owner", "owner_email"} & set(keys):
        statement = statement.outerjoin(User, User.id == Lead.owner_id)
    if "client" in keys:
        statement = statement.outerjoin(Client, Client.id == Lead.client_id)
    statement = filter_leads(filters, statement).order_by(Lead.id).execution_options(
        yield_per=BATCH  # a server-side cursor on PostgreSQL, stepwise fetches on SQLite
    )
    custom_at = [(index, offset, name, plain)
                 for offset, (index, name, plain) in enumerate(custom, start=width + 1)]
    tags_at = keys.index("tags") if "tags" in keys else None
    activity_at = keys.index("last_activity") if "last_activity" in keys else None
    result = db.session.connection().execute(statement)
    try:
        for batch in result.partitions():
            ids = [row[width] for row in batch]
            tags = _tags_of(ids) if tags_at is not None else None
            activity = _last_activity_of(ids, as_text) if activity_at is not None else None
            for row in batch:
                out = list(row[:width])
                for index, convert in converters:
                    if out[index] is not None:
                        out[index] = convert(out[index])
                for index, offset, name, plain in custom_at:
                    out[index] = row[offset] if plain else (row[offset] or {}).get(name)
                if tags is not None:
                    out[tags_at] = ", ".join(tags.get(row[width], ()))
                if activity is not None:
                    out[activity_at] = activity.get(row[width])
                yield out
            # Let the batch go before the next is read, so that one batch at most is held.
            del batch, ids, tags, activity
    finally:
        result.close()  # also when the person cancels the download halfway


def _once_per_key(words: Callable[[str], str]) -> Callable[[str], str]:
    """Put each distinct key into words once per export, not once per row."""
    known: dict[str, str] = {}

    def convert(key: str) -> str:
        if key not in known:
            known[key] = words(key)
        return known[key]

    return convert


def _plain_key(name: str) -> bool:
    """Tell whether a custom field's name can be written in an SQLite JSON path."""
    return '"' not in name and "\\" not in name


def _custom_value(name: str, sqlite: bool):
    """Read one custom field in SQL, so the whole JSON object is never decoded in Python."""
    if sqlite:
        return func.json_extract(Lead.custom_fields, f'$."{name}"')
    return Lead.custom_fields[name]


def _among(column, ids: list[int]):
    """Select ``ids``: by range when they are dense (cheaper than a long IN list)."""
    if ids[-1] - ids[0] < 2 * len(ids):
        return column.between(ids[0], ids[-1])
    return column.in_(ids)


def _tags_of(ids: list[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {}
    for lead_id, tag in db.session.connection().execute(
        select(LeadTag.lead_id, LeadTag.tag).where(_among(LeadTag.lead_id, ids))
        .order_by(LeadTag.lead_id, LeadTag.tag)
    ):
        tags.setdefault(lead_id, []).append(tag)
    return tags


def _last_activity_of(ids: list[int], as_text: bool) -> dict[int, Any]:
    latest = func.max(Activity.created_at)
    if as_text:  # the day in the team's zone, as SQLite text
        latest = func.local_date(type_coerce(latest, String), team_zone().key)
    rows = db.session.connection().execute(
        select(Activity.lead_id, latest)
        .where(_among(Activity.lead_id, ids)).group_by(Activity.lead_id)
    )
    if as_text:
        return {lead_id: day for lead_id, day in rows}
    return {lead_id: _date_of(moment) for lead_id, moment in rows}
