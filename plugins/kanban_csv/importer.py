"""Turn the rows of a prospect list into leads: checked, deduplicated, written batch by batch."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import cycle
from typing import Any

from flask import current_app
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from kanban import lead_fields
from kanban.amounts import read_amount, uses_decimal_comma
from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.i18n import team_or_default_language
from kanban.models import Stage, User
from kanban.permissions import can_give_lead_to, require, require_give_lead_to
from kanban.services.clients import clean_folder_name, find_folders
from kanban.services.duplicates import Contact, Duplicate, DuplicateFinder
from kanban.services.lead_batches import CLIENT_FOLDER, create_leads, folder_names
from kanban.services.lead_input import clean_lead_data
from kanban.services.sources import read_source, source_keys_by_name
from kanban.tables.cells import restore
from kanban.tables.delimited import render_excel, write_delimited
from kanban.tables.reading import CsvProblem, Table
from kanban.typed_dates import plain_date, typed_example, writes_day_first
from kanban_csv.mapping import CUSTOM, IGNORE, TARGETS

BATCH_SIZE = 500
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")  # what plain_date gives for a day it could read
DATE_FIELDS = frozenset(field.name for field in lead_fields.FIELDS
                        if field.kind == lead_fields.DATE)


@dataclass
class ImportSettings:
    """What the person chose: where leads land, who owns them, which tags they get."""

    mapping: list[str]
    stage: Stage
    owner_ids: list[int] = field(default_factory=list)  # one: fixed; several: round-robin
    tags: list[str] = field(default_factory=list)
    source: str = "import"


@dataclass
class Rejected:
    row: int  # as the reader's spreadsheet numbers it (the header is row 1)
    problem: str  # "invalid" or "duplicate"
    column: str
    reason: str
    cells: list[str]


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    last_row: int = 0  # the row read last, as the reader's spreadsheet numbers it
    created: int = 0
    duplicates: int = 0
    invalid: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    failure: str = ""
    new_folders: set[str] = field(default_factory=set)  # client folders made (casefolded)

    @property
    def folder_count(self) -> int:
        return len(self.new_folders)

    def counts(self) -> dict[str, Any]:
        return {"rows": self.rows, "created": self.created, "duplicates": self.duplicates,
                "invalid": self.invalid, "failure": self.failure, "dry_run": self.dry_run,
                "folders": len(self.new_folders)}


def count_lines(report: Any, stage: Stage | None) -> list[str]:
    """What an import (or its check) did, a line a count, as its page and ``kanban import``
    say it. ``report`` is an ``ImportReport`` or a report read back from its record."""
    created = (_("Would be created: %(count)s", count=format_number(report.created))
               if report.dry_run else
               _("Created: %(count)s in %(stage)s", count=format_number(report.created),
                 stage=stage.name if stage is not None else ""))
    lines = [_("Rows read: %(count)s", count=format_number(report.rows)), created]
    if report.folder_count:
        folders = format_number(report.folder_count)
        lines.append(_("New client folders to make: %(count)s", count=folders)
                     if report.dry_run else _("New client folders: %(count)s", count=folders))
    return [*lines,
            _("Duplicates (left out): %(count)s", count=format_number(report.duplicates)),
            _("Invalid rows (left out): %(count)s", count=format_number(report.invalid))]


class RowReader:
    """Turn one row's cells into lead data, or say which column is wrong."""

    def __init__(self, table: Table, settings: ImportSettings, user: User | None = None):
        self.user = user  # the person importing: may they give leads to others?
        self.header = table.header
        self.mapping = settings.mapping
        language = user.locale if user is not None and user.locale else team_or_default_language()
        # Dates and amounts as the importing person's spreadsheet writes them ("05.12.2026",
        # "12.000" for twelve thousand); a file separated by semicolons comes from a
        # spreadsheet that writes decimal commas, whatever the person's language.
        self.language = language
        self.day_first = writes_day_first(language)
        self.decimal_comma = table.delimiter == ";" or uses_decimal_comma(language)
        self.tags = settings.tags
        self.source = settings.source
        self.source_keys = source_keys_by_name()
        self.users: dict[str, int] = {}
        for user in db.session.scalars(select(User).where(User.active.is_(True))):
            self.users[user.email.lower()] = user.id
            self.users.setdefault(user.name.strip().lower(), user.id)
        self.column_of = {
            target: self.header[index] for index, target in enumerate(self.mapping)
            if target not in (CUSTOM, IGNORE)
        }
        self.position = {name: index for index, name in enumerate(self.header)}
        self.column_of.setdefault("title", self.column_of.get("company", ""))
        self.column_of.setdefault("contact_name", self.column_of.get("first_name", ""))

    def read(self, cells: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
        """Return (clean values, {}) or ({}, {column: reason})."""
        width = len(self.header)
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            return {}, {"": _("This row has %(cells)d cells but the header has %(columns)d: "
                              "a separator or a quote may be missing.",
                              cells=len(cells), columns=width)}
        data: dict[str, Any] = {}
        custom: dict[str, str] = {}
        names: list[str] = []
        last_names: list[str] = []
        folder = ""
        for index, target in enumerate(self.mapping[:width]):
            value = restore(cells[index].strip()) if index < len(cells) else ""
            if target == IGNORE or value == "":
                continue
            if target == CUSTOM:
                custom[self.header[index]] = value
            elif target in ("first_name", "last_name"):
                names.append(value)
                if target == "last_name":
                    last_names.append(value)
            elif target == "value":
                data["value"] = read_amount(value, self.decimal_comma)
            elif target in DATE_FIELDS:
                data[target] = plain_date(value, self.day_first)
                if not ISO_DAY.fullmatch(data[target]):  # as this team's spreadsheets write
                    return {}, {self.header[index]: _(
                        "Use a date such as %(example)s.",
                        example=typed_example(self.language))}
            elif target == "owner":
                owner_id = self.users.get(value.lower())
                if owner_id is None:
                    return {}, {self.header[index]: _("No active user has this email or name.")}
                if self.user is not None and not can_give_lead_to(self.user, owner_id):
                    return {}, {self.header[index]: _(
                        "Only a manager or an admin can give leads to someone else.")}
                data["owner_id"] = owner_id
            elif target == "client":
                try:
                    folder = clean_folder_name(value)
                except ValidationError as exc:
                    return {}, {self.header[index]: exc.fields["name"]}
            elif target == "tags":
                data["tags"] = re.split(r"[,;]", value)
            elif target == "priority":
                data["priority"] = value
            elif target == "source":
                data["source"] = read_source(value, self.source_keys)
            elif target in TARGETS:
                data[target] = value
        if names and not data.get("contact_name"):
            data["contact_name"] = " ".join(names)
        elif (last_names and len(names) == len(last_names)
              and not data["contact_name"].casefold().endswith(last_names[-1].casefold())):
            # A name column beside a last-name column alone holds the first name.
            data["contact_name"] = " ".join([data["contact_name"], *last_names])
        if custom:
            data["custom_fields"] = custom
        data["tags"] = [*self.tags, *data.get("tags", [])]
        data.setdefault("source", self.source)
        if not data.get("title"):
            data["title"] = next(
                (data[k] for k in ("company", "contact_name", "email", "phone") if data.get(k)),
                "",
            )
        try:
            values = clean_lead_data(data)
        except ValidationError as exc:
            named = [(self.column_of.get(name, name), reason)
                     for name, reason in exc.fields.items()]
            named.sort(key=lambda item: self.position.get(item[0], len(self.position)))
            return {}, dict(named)
        if folder:
            values[CLIENT_FOLDER] = folder  # found, or made, when the batch is written
        return values, {}


def run_import(
    table: Table,
    settings: ImportSettings,
    *,
    user: User | None,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row; unless ``dry_run``, create the good ones, one transaction per batch.

    ``progress(n)`` is told each time ``n`` more rows have been read."""
    steps = import_steps(table, settings, user=user, dry_run=dry_run)
    told = 0
    while True:
        try:
            read = next(steps)
        except StopIteration as end:
            if progress is not None and end.value.rows > told:
                progress(end.value.rows - told)  # the rows after the last full batch
            return end.value
        told += read
        if progress is not None:
            progress(read)


def import_steps(
    table: Table, settings: ImportSettings, *, user: User | None, dry_run: bool,
    report: ImportReport | None = None,
) -> Generator[int, None, ImportReport]:
    """``run_import`` a step at a time: yields how many rows were read since the last step
    (every 500 rows, once their batch is written), and returns the report. A job reports
    its progress from it; one stopped between steps still holds what was done in
    ``report``."""
    if user is not None:
        require(user, "lead.create")
        for owner_id in settings.owner_ids:
            require_give_lead_to(user, owner_id)
    report = report if report is not None else ImportReport(dry_run=dry_run)
    reader = RowReader(table, settings, user)
    batch = _Batch(
        settings=settings, user=user, report=report, dry_run=dry_run,
        finder=DuplicateFinder(),
        owners=cycle(settings.owner_ids) if settings.owner_ids else None,
        column_of=reader.column_of,
    )
    try:
        for row, cells in table.rows():
            report.rows += 1
            report.last_row = row
            values, errors = reader.read(cells)
            if errors:
                report.invalid += 1
                for column, reason in errors.items():
                    report.rejected.append(Rejected(row, "invalid", column, reason, cells))
            else:
                batch.rows.append((row, values, cells))
            if len(batch.rows) == BATCH_SIZE and not batch.write():
                return _in_row_order(report)
            if report.rows % BATCH_SIZE == 0:
                try:
                    yield BATCH_SIZE
                except GeneratorExit:  # stopped here: the rows read so far are all done
                    batch.write()
                    _in_row_order(report)
                    raise
    except CsvProblem as problem:
        # The file breaks off (a wrong byte, a runaway quote): every row before it is done.
        failed = "" if batch.write() else report.failure
        report.failure = " ".join(part for part in (problem.message, _(
            "Rows before it were checked and, unless this was a check, imported in batches; "
            "import the fixed file again and they will be reported as duplicates."), failed)
            if part)
        return _in_row_order(report)
    batch.write()
    return _in_row_order(report)


def _in_row_order(report: ImportReport) -> ImportReport:
    report.rejected.sort(key=lambda item: item.row)
    return report


@dataclass
class _Batch:
    """Rows read and valid, waiting to be checked for duplicates and created together."""

    settings: ImportSettings
    user: User | None
    report: ImportReport
    dry_run: bool
    finder: DuplicateFinder
    owners: Any
    column_of: dict[str, str]  # the file's column of each field
    rows: list[tuple[int, dict[str, Any], list[str]]] = field(default_factory=list)

    def write(self) -> bool:
        """Create the new rows in one transaction; on failure record it and return False."""
        rows, self.rows = self.rows, []
        new = self._new_contacts(rows)
        if not new:
            return True
        report = self.report
        if self.dry_run:
            report.created += len(new)
            folders = find_folders(folder_names([values for _row, values in new]))
            report.new_folders.update(name for name, found in folders.items() if found is None)
            return True
        try:
            created = create_leads([values for _row, values in new],
                                   stage=self.settings.stage, user=self.user,
                                   source=self.settings.source,
                                   assign_by=None if self.owners is not None else "import")
        except Exception as exc:
            db.session.rollback()
            current_app.logger.exception("CSV import batch failed")
            report.failure = _(
                "Rows %(first)d to %(last)d were not imported (nothing of them was saved): "
                "%(error)s. Fix the problem and import the file again; the rows already "
                "imported will be reported as duplicates.",
                first=new[0][0], last=new[-1][0], error=type(exc).__name__,
            )
            return False
        report.created += len(created.ids)
        report.new_folders.update(created.new_folders)
        self.finder.forget()  # they are leads now: the next batches find them stored
        return True

    def _new_contacts(self, rows) -> list[tuple[int, dict[str, Any]]]:
        """Leave out (and report) the duplicates; give the others their owner."""
        contacts = [Contact(values.get("email", ""), values.get("phone", ""), row)
                    for row, values, _cells in rows]
        new = []
        for (row, values, cells), duplicate in zip(
            rows, self.finder.check(contacts), strict=True
        ):
            if duplicate is not None:
                self.report.duplicates += 1
                self.report.rejected.append(
                    Rejected(row, "duplicate", self.column_of.get(duplicate.kind, duplicate.kind),
                             _duplicate_reason(duplicate), cells))
                continue
            if self.owners is not None and "owner_id" not in values:
                values["owner_id"] = next(self.owners)
            new.append((row, values))
        return new


def _duplicate_reason(duplicate: Duplicate) -> str:
    if duplicate.other_rule:
        return _("Already lead #%(id)d.", id=duplicate.lead_id)
    if duplicate.lead_id is not None:
        if duplicate.kind == "email":
            return _("Same email as lead #%(id)d.", id=duplicate.lead_id)
        return _("Same phone number as lead #%(id)d.", id=duplicate.lead_id)
    if duplicate.kind == "email":
        return _("Same email as row %(line)d of this file.", line=duplicate.ref)
    return _("Same phone number as row %(line)d of this file.", line=duplicate.ref)


def rejected_csv(rejected: Iterable[Rejected], header: Sequence[str]) -> Iterator[str]:
    """The rejected rows as a file for the reader's spreadsheet: headed and said in their
    language, with its separator (";" where numbers take a decimal comma), each row with
    the file's own cells after why it was left out."""
    problems = {"duplicate": _("duplicate"), "invalid": _("invalid")}
    rows = ([item.row, problems.get(item.problem, item.problem), item.column, item.reason,
             *item.cells] for item in rejected)
    return render_excel([_("Row"), _("Problem"), _("Column"), _("Reason"), *header], rows,
                        {"locale": str(get_locale() or "en")})


def kept_rejected(rejected: Iterable[Rejected], header: Sequence[str]) -> str:
    """The rejected rows as an import's record keeps them, the same in every language (its
    report is read back, and given as a file in the reader's language: ``read_rejected``)."""
    rows = ([item.row, item.problem, item.column, item.reason, *item.cells]
            for item in rejected)
    return "".join(write_delimited([*KEPT_HEADER, *header], rows))


KEPT_HEADER = ("row", "problem", "column", "reason")


def read_rejected(kept: str) -> tuple[list[str], Iterator[Rejected]]:
    """The file's header and the rejected rows of ``kept_rejected``. A record an earlier
    version wrote in the reader's words and separator (";" or ",") reads too."""
    kept = kept.lstrip("\ufeff")
    first = kept.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    lines = csv.reader(io.StringIO(kept), delimiter=delimiter)
    header = next(lines, None) or []
    duplicate = _("duplicate")

    def rows() -> Iterator[Rejected]:
        for row in lines:
            if len(row) >= 4 and row[0].isdigit():
                problem = row[1] if row[1] in ("duplicate", "invalid") else (
                    "duplicate" if row[1] == duplicate else "invalid")
                yield Rejected(int(row[0]), problem, row[2], row[3], row[4:])

    return header[len(KEPT_HEADER):], rows()
