"""Lists and their rows: create a list, fill it from a file or by hand, read it a page at a
time with sorting, filtering and search on any column."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from kanban import lead_fields
from kanban.api.helpers import MAX_ID, MAX_PAGE, whole_number
from kanban.errors import NotFound, ValidationError
from kanban.extensions import db
from kanban.folding import fold
from kanban.models import User
from kanban.models.base import utcnow
from kanban.permissions import require
from kanban.services.bulk_insert import insert_rows
from kanban.services.lead_input import is_id
from kanban.services.queries import MAX_TEXT, contains_pattern, text_condition
from kanban.tables.cells import restore
from kanban.tables.headers import normalise, synonym_target
from kanban.tables.reading import Table
from kanban.text import has_unstorable, remove_unstorable
from kanban_prospects.models import ProspectList, ProspectRow, RowStatus

NAME_LIMIT = 200
CELL_LIMIT = 2000
MAX_COLUMNS = 60
BATCH = 500
FOLDED_KEPT = 5_000  # folded cells kept for the next rows of an import, at the most
PER_PAGE = 50
EXTRA = ""  # a column kept as it is, shown on the row and written into a new lead's notes
IGNORE = "ignore"
# The lead fields a column can fill; the first four are kept on the row for search and
# for the duplicate check.
ROW_FIELDS = ("contact_name", "company", "email", "phone")
LIMITS = {name: ProspectRow.__table__.c[name].type.length for name in ROW_FIELDS}
FIELDS = ("title", "contact_name", "first_name", "last_name", "company", "email", "phone",
          "value")
NAME_PARTS = {"first_name": _l("First name (joined to the contact name)"),
              "last_name": _l("Last name (joined to the contact name)")}


def targets() -> dict[str, Any]:
    """What a column can be: a lead field, an extra column, or left out."""
    labels = {name: NAME_PARTS.get(name) or lead_fields.LABELS[name] for name in FIELDS}
    return {**labels, EXTRA: _l("Extra column, kept as it is"), IGNORE: _l("Leave out")}


def guess_fields(header: Sequence[str]) -> list[str]:
    """Guess each column's lead field from its header; each field once at most."""
    taken: set[str] = set()
    guessed = []
    labels = {normalise(str(label)): name for name, label in targets().items() if name in FIELDS}
    for name in header:
        field = labels.get(normalise(name)) or synonym_target(name) or EXTRA
        if field not in FIELDS or field in taken:
            field = EXTRA
        taken.add(field)
        guessed.append(field)
    return guessed


def clean_name(name: Any) -> str:
    name = remove_unstorable(name if isinstance(name, str) else "").strip()
    if not name:
        raise ValidationError(_("Some fields need your attention."),
                              fields={"name": _("Give the list a name.")})
    if len(name) > NAME_LIMIT:
        raise ValidationError(_("Some fields need your attention."),
                              fields={"name": _("At most %(num)d characters.", num=NAME_LIMIT)})
    return name


def clean_columns(columns: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Check a list's columns: named, each field used once."""
    cleaned: list[dict[str, str]] = []
    used: set[str] = set()
    if not columns or len(columns) > MAX_COLUMNS:
        raise ValidationError(_("Some fields need your attention."), fields={
            "columns": _("A list has 1 to %(num)d columns.", num=MAX_COLUMNS)})
    names: set[str] = set()
    for column in columns:
        name = remove_unstorable(str(column.get("name") or "")).strip()[:NAME_LIMIT]
        field = str(column.get("field") or EXTRA)
        if not name or (field != EXTRA and (field not in FIELDS or field in used)):
            raise ValidationError(_("Some fields need your attention."), fields={
                "columns": _("Name every column, and give each lead field to one column "
                             "at most.")})
        if _same_name(name) in names:  # which of the two would a search or a sort mean?
            raise ValidationError(_("Some fields need your attention."), fields={
                "columns": _("Give each column a name of its own: %(name)s is there twice.",
                             name=name)})
        used.add(field)
        names.add(_same_name(name))
        cleaned.append({"name": name, "field": field})
    return cleaned


def _same_name(name: str) -> str:
    """A column's name as compared with the others: "E-mail" is "email"."""
    return normalise(name) or name


def create_list(name: Any, columns: Sequence[Mapping[str, Any]], *, user: User,
                filename: str = "") -> ProspectList:
    """Create an empty list owned by ``user``."""
    require(user, "lead.create")
    plist = ProspectList(name=clean_name(name), columns=clean_columns(columns),
                         owner_id=user.id, filename=filename[:255])
    db.session.add(plist)
    db.session.commit()
    return plist


def get_list(list_id: int) -> ProspectList:
    plist = db.session.get(ProspectList, list_id) if is_id(list_id) else None
    if plist is None:
        raise NotFound(_("This prospect list does not exist (any more)."))
    return plist


def get_row(row_id: int) -> ProspectRow:
    row = db.session.get(ProspectRow, row_id) if is_id(row_id) else None
    if row is None:
        raise NotFound(_("This row does not exist (any more)."))
    return row


def all_lists() -> list[ProspectList]:
    return list(db.session.scalars(select(ProspectList).order_by(ProspectList.created_at.desc(),
                                                                 ProspectList.id.desc())))


def row_values(plist: ProspectList, cells: Sequence[str],
               folded: dict[str, str] | None = None) -> dict[str, Any]:
    """The database values of a row with these cells: its contact fields and search text.

    ``folded`` keeps cells already folded (a list repeats its towns and sectors)."""
    return _row_values([column["field"] for column in plist.columns], cells, folded)


def _row_values(fields: Sequence[str], cells: Sequence[str],
                folded: dict[str, str] | None = None) -> dict[str, Any]:
    values = {name: "" for name in ROW_FIELDS}
    parts: dict[str, str] = {}
    for field, cell in zip(fields, cells, strict=False):
        if field in ROW_FIELDS and not values[field]:
            values[field] = cell
        elif field in NAME_PARTS:
            parts[field] = cell
    if not values["contact_name"] and parts:
        values["contact_name"] = " ".join(p for p in (parts.get("first_name"),
                                                        parts.get("last_name")) if p)
    values = {name: value.strip()[:LIMITS[name]] for name, value in values.items()}
    if folded is None:
        folded = {}
    values["folded"] = [folded.get(cell) or folded.setdefault(cell, fold(cell))
                        for cell in cells]
    values["search_text"] = "\n".join(values["folded"])  # as fold_fields(*cells) has it
    return values


def _cells(plist: ProspectList, cells: Sequence[Any], width: int | None = None) -> list[str]:
    width = len(plist.columns) if width is None else width
    cells = cells if isinstance(cells, list | tuple) else list(cells)
    text = [(cell if isinstance(cell, str) else str(cell if cell is not None else ""))
            for cell in cells[:width]]
    if has_unstorable("".join(text)):
        text = remove_unstorable(text)
    text = [cell[:CELL_LIMIT].strip() for cell in text]
    return text + [""] * (width - len(text))


def _next_position(plist: ProspectList) -> int:
    last = db.session.scalar(select(func.max(ProspectRow.position))
                             .where(ProspectRow.list_id == plist.id))
    return (last or 0) + 1


def add_rows(plist: ProspectList, rows: Iterable[Sequence[Any]], *, user: User,
             on_batch: Callable[[int], None] | None = None) -> int:
    """Append rows (cells in the list's column order), a batch per transaction; return how
    many were added. Rows with no text at all are skipped. ``on_batch(rows read)`` is
    called after each batch (a job's progress)."""
    require(user, "lead.create")
    position = _next_position(plist)
    added = 0
    batch: list[dict[str, Any]] = []
    now = utcnow()
    read = 0
    folded: dict[str, str] = {}
    list_id, width = plist.id, len(plist.columns)
    fields = [column["field"] for column in plist.columns]
    for cells in rows:
        read += 1
        cleaned = _cells(plist, cells, width)
        if not any(cleaned):
            continue
        batch.append({"list_id": list_id, "position": position, "cells": cleaned,
                      "status": RowStatus.TO_CONTACT, "reason": "", "updated_at": now,
                      **_row_values(fields, cleaned, folded)})
        position += 1
        if len(batch) == BATCH:
            added += _write(batch)
            batch = []
            if len(folded) > FOLDED_KEPT:
                folded.clear()
            if on_batch is not None:
                on_batch(read)
    added += _write(batch)
    return added


def edit_row(plist: ProspectList, row: ProspectRow, cells: Sequence[Any], *,
             user: User) -> ProspectRow:
    """Correct a row's cells (a mistyped email, a missing phone), before or after calling."""
    require(user, "lead.edit")
    cleaned = _cells(plist, cells)
    if not any(cleaned):
        raise ValidationError(_("Some fields need your attention."),
                              fields={"cells": _("Fill in at least one column.")})
    for name, value in {"cells": cleaned, **row_values(plist, cleaned)}.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    db.session.commit()
    return row


def _write(batch: list[dict[str, Any]]) -> int:
    if batch:
        insert_rows(ProspectRow.__table__, batch)
        db.session.commit()
    return len(batch)


def import_table(plist: ProspectList, table: Table, fields: Sequence[str], *,
                 user: User, on_batch: Callable[[int], None] | None = None) -> int:
    """Fill a list from an opened file; ``fields`` gives each file column's target (left
    out columns are not kept). Rows longer than the header keep their extra cells in
    columns of their own ("Column 7"), so nothing in the file is lost."""
    widest = table.width()
    kept = [index for index, field in enumerate(fields) if field != IGNORE]
    if widest > len(fields):
        kept += range(len(fields), widest)
        plist.columns = [*plist.columns, *(
            {"name": _("Column %(number)d", number=index + 1), "field": EXTRA}
            for index in range(len(fields), widest))][:MAX_COLUMNS]
        kept = kept[:len(plist.columns)]
        db.session.commit()
    # A cell our own export kept from running as a formula ("'+39 011…") reads as it was.
    return add_rows(plist, ([restore(cells[i]) if i < len(cells) else "" for i in kept]
                            for _line, cells in table.rows()), user=user, on_batch=on_batch)


def columns_from(header: Sequence[str], fields: Sequence[str]) -> list[dict[str, str]]:
    """The list's columns for a file with this header and these targets. A name the file
    repeats is numbered ("Phone", "Phone (2)"): every column can still be told apart."""
    columns, seen = [], set()
    for name, field in zip(header, fields, strict=True):
        if field == IGNORE:
            continue
        named, number = name.strip(), 1
        while _same_name(named) in seen:
            number += 1
            named = f"{name.strip()[:NAME_LIMIT - 8]} ({number})"
        seen.add(_same_name(named))
        columns.append({"name": named, "field": field})
    return columns


@dataclass(frozen=True)
class RowQuery:
    """Which rows of a list, in which order, which page: read from the address."""

    text: str = ""
    status: str = ""
    column: int | None = None  # filter on one column...
    column_text: str = ""  # ...containing this
    sort: int | None = None  # a column's index; None: the list's order
    descending: bool = False
    assignee_id: int | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, Any], plist: ProspectList) -> RowQuery:
        def index(name: str) -> int | None:
            value = str(args.get(name) or "").strip()
            if not value:
                return None
            if not value.isdigit() or int(value) >= len(plist.columns):
                raise ValidationError(_("Some filters are not valid."),
                                      fields={name: _("Choose one of the list's columns.")})
            return int(value)

        status = str(args.get("status") or "").strip()
        if status and status not in RowStatus.ALL:
            raise ValidationError(_("Some filters are not valid."),
                                  fields={"status": _("Choose a status from the list.")})
        return cls(text=str(args.get("q") or "").strip()[:MAX_TEXT], status=status,
                   column=index("column"), column_text=str(args.get("value") or "")[:200],
                   sort=index("sort"), descending=args.get("order") == "desc",
                   assignee_id=whole_number(args.get("assignee_id"), 1, MAX_ID),
                   page=whole_number(args.get("page"), 1, MAX_PAGE) or 1)

    def to_args(self, **changes: Any) -> dict[str, str]:
        values = {"q": self.text, "status": self.status,
                  "column": "" if self.column is None else str(self.column),
                  "value": self.column_text if self.column is not None else "",
                  "sort": "" if self.sort is None else str(self.sort),
                  "order": "desc" if self.descending else "",
                  "assignee_id": str(self.assignee_id or ""), "page": str(self.page)}
        values.update({k: str(v) for k, v in changes.items()})
        if values["page"] == "1":
            values["page"] = ""
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class RowPage:
    rows: list[ProspectRow]
    total: int
    page: int
    pages: int


def _folded(index: int) -> Any:
    """SQL: one cell as search and sorting compare it (see kanban.folding)."""
    return ProspectRow.folded[index].as_string()


def find_rows(plist: ProspectList, query: RowQuery, per_page: int = PER_PAGE) -> RowPage:
    """One page of the list's rows: two queries (the count and the page) at any size."""
    conditions = [ProspectRow.list_id == plist.id]
    if query.text:
        conditions.append(text_condition(ProspectRow.search_text, query.text))
    if query.status:
        conditions.append(ProspectRow.status == query.status)
    if query.assignee_id:
        conditions.append(ProspectRow.assignee_id == query.assignee_id)
    if query.column is not None and query.column_text:
        conditions.append(_folded(query.column).like(contains_pattern(fold(query.column_text)),
                                                     escape="\\"))
    total = db.session.scalar(select(func.count()).select_from(ProspectRow).where(*conditions))
    pages = max(1, -(-total // per_page))
    page = min(query.page, pages)
    order: list[Any] = []
    if query.sort is not None:
        key = _folded(query.sort)
        order.append(key.desc() if query.descending else key)
    if query.descending and query.sort is None:
        order += [ProspectRow.position.desc(), ProspectRow.id.desc()]
    else:
        order += [ProspectRow.position, ProspectRow.id]
    rows = list(db.session.scalars(
        select(ProspectRow).where(*conditions).order_by(*order)
        .limit(per_page).offset((page - 1) * per_page)))
    return RowPage(rows=rows, total=total, page=page, pages=pages)
