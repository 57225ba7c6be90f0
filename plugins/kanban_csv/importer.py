"""Turn the rows of a prospect list into leads: checked, deduplicated, written batch by batch."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import cycle
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from kanban.duplicates import phone_digits
from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Activity, ActivityKind, Lead, LeadTag, Stage, User, lead_search_text
from kanban.permissions import can_give_lead_to, require, require_give_lead_to
from kanban.plugins import CORE_PLUGINS, fire_event, get_hook, get_plugin_manager
from kanban.ranking import rank_between
from kanban.services.clients import add_folders, clean_folder_name, find_folders
from kanban.services.lead_input import clean_lead_data
from kanban.services.sources import read_source, source_keys_by_name
from kanban_csv.cells import restore
from kanban_csv.mapping import CUSTOM, IGNORE, TARGETS
from kanban_csv.reading import CsvProblem, Table

BATCH_SIZE = 500
FOLDER = "client_folder"  # a row's client folder name, until the batch is written
WRITE_ATTEMPTS = 3
PHONE_SUFFIXES = range(6, 10)  # the core compares the last nine digits, at least six
# Currency codes and words written beside amounts once symbols are gone ("R$" leaves "R").
CURRENCY_WORDS = re.compile(
    r"^(?:[A-Z]{3}|R|руб|р|kr|zł|lei|kč)\.?|(?:[A-Z]{3}|руб|р|kr|zł|lei|kč)\.?$", re.IGNORECASE
)


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
    line: int
    problem: str  # "invalid" or "duplicate"
    column: str
    reason: str
    cells: list[str]


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    invalid: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    failure: str = ""
    new_folders: set[str] = field(default_factory=set)  # client folders made (casefolded)

    def counts(self) -> dict[str, Any]:
        return {"rows": self.rows, "created": self.created, "duplicates": self.duplicates,
                "invalid": self.invalid, "failure": self.failure, "dry_run": self.dry_run,
                "folders": len(self.new_folders)}


class ContactIndex:
    """Emails and phone numbers already seen, matched as the core's duplicate rule does."""

    def __init__(self) -> None:
        self.emails: dict[str, int] = {}
        self.phones: dict[int, dict[str, int]] = {n: {} for n in PHONE_SUFFIXES}

    def add(self, email: str, phone: str, ref: int) -> None:
        if email:
            self.emails.setdefault(email, ref)
        digits = phone_digits(phone)
        for n in PHONE_SUFFIXES:
            if len(digits) >= n:
                self.phones[n].setdefault(digits[-n:], ref)

    def find(self, email: str, phone: str) -> tuple[str, int] | None:
        if email and email in self.emails:
            return "email", self.emails[email]
        digits = phone_digits(phone)
        if len(digits) >= 6:
            key = digits[-9:]
            if key in self.phones[len(key)]:
                return "phone", self.phones[len(key)][key]
        return None

    @classmethod
    def of_existing_leads(cls) -> ContactIndex:
        """Read every lead's email and phone once, instead of one query per row."""
        index = cls()
        last_id = 0
        while True:
            rows = db.session.execute(
                select(Lead.id, Lead.email, Lead.phone).where(Lead.id > last_id)
                .order_by(Lead.id).limit(10_000)
            ).all()
            if not rows:
                return index
            for lead_id, email, phone in rows:
                index.add((email or "").lower(), phone or "", lead_id)
            last_id = rows[-1][0]


def parse_amount(text: str, decimal_comma: bool) -> str:
    """Read "1.500,50", "1,500.50", "€ 1 500" or "1500,5" as a plain number string.

    Anything else ("5k", "about 300") is handed back as it is, for the core to refuse.
    """
    cleaned = "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Sc")
    cleaned = CURRENCY_WORDS.sub("", cleaned.replace("'", ""))
    if not re.fullmatch(r"-?[\d.,]*\d[\d.,]*", cleaned):
        return text
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
    elif cleaned.count(",") == 1:
        head, tail = cleaned.split(",")
        decimal = "," if decimal_comma or len(tail) != 3 else ""
    elif cleaned.count(".") == 1:
        head, tail = cleaned.split(".")
        decimal = "" if decimal_comma and len(tail) == 3 else "."
    else:
        decimal = ""
    thousands = {",", "."} - {decimal}
    for mark in thousands:
        cleaned = cleaned.replace(mark, "")
    return cleaned.replace(",", ".")


class RowReader:
    """Turn one row's cells into lead data, or say which column is wrong."""

    def __init__(self, table: Table, settings: ImportSettings, user: User | None = None):
        self.user = user  # the person importing: may they give leads to others?
        self.header = table.header
        self.mapping = settings.mapping
        self.decimal_comma = table.delimiter == ";"
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
        folder = ""
        for index, target in enumerate(self.mapping[:width]):
            value = restore(cells[index].strip()) if index < len(cells) else ""
            if target == IGNORE or value == "":
                continue
            if target == CUSTOM:
                custom[self.header[index]] = value
            elif target in ("first_name", "last_name"):
                names.append(value)
            elif target == "value":
                data["value"] = parse_amount(value, self.decimal_comma)
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
            values[FOLDER] = folder  # found, or made, when the batch is written
        return values, {}


def run_import(
    table: Table,
    settings: ImportSettings,
    *,
    user: User | None,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row; unless ``dry_run``, create the good ones, one transaction per batch."""
    if user is not None:
        require(user, "lead.create")
        for owner_id in settings.owner_ids:
            require_give_lead_to(user, owner_id)
    report = ImportReport(dry_run=dry_run)
    sorter = _RowSorter(
        reader=RowReader(table, settings, user),
        existing=ContactIndex.of_existing_leads(),
        in_file=ContactIndex(),
        ask_plugins=_duplicate_question(),
        owners=cycle(settings.owner_ids) if settings.owner_ids else None,
        default_currency=current_app.config["DEFAULT_CURRENCY"],
    )
    pending: list[tuple[int, dict[str, Any]]] = []
    try:
        for line, cells in table.rows():
            sorter.sort(line, cells, pending, report)
            if len(pending) == BATCH_SIZE and not _flush(pending, settings, user, report,
                                                         dry_run):
                return report
            if progress is not None:
                progress(1)
    except CsvProblem as problem:
        # The file broke off halfway (a wrong byte, a runaway quote): keep what was saved.
        pending.clear()
        report.failure = problem.message + " " + _(
            "Rows before it were checked and, unless this was a check, imported in batches; "
            "import the fixed file again and they will be reported as duplicates.")
        return report
    _flush(pending, settings, user, report, dry_run)
    return report


@dataclass
class _RowSorter:
    """Sort rows into invalid, duplicate, or pending (to be created)."""

    reader: RowReader
    existing: ContactIndex
    in_file: ContactIndex
    ask_plugins: Any
    owners: Any
    default_currency: str

    def sort(self, line: int, cells: list[str], pending: list, report: ImportReport) -> None:
        report.rows += 1
        values, errors = self.reader.read(cells)
        if errors:
            report.invalid += 1
            for column, reason in errors.items():
                report.rejected.append(Rejected(line, "invalid", column, reason, cells))
            return
        duplicate = _find_duplicate(values, self.existing, self.in_file, self.ask_plugins)
        if duplicate:
            report.duplicates += 1
            report.rejected.append(Rejected(line, "duplicate", duplicate[0], duplicate[1], cells))
            return
        self.in_file.add(values.get("email", ""), values.get("phone", ""), line)
        values.setdefault("currency", self.default_currency)
        if self.owners is not None and "owner_id" not in values:
            values["owner_id"] = next(self.owners)
        pending.append((line, values))


def _find_duplicate(values, existing, in_file, ask_plugins) -> tuple[str, str] | None:
    email, phone = values.get("email", ""), values.get("phone", "")
    found = existing.find(email, phone)
    if found:
        kind, lead_id = found
        message = (_("Same email as lead #%(id)d.", id=lead_id) if kind == "email"
                   else _("Same phone number as lead #%(id)d.", id=lead_id))
        return kind, message
    found = in_file.find(email, phone)
    if found:
        kind, line = found
        message = (_("Same email as row %(line)d of this file.", line=line) if kind == "email"
                   else _("Same phone number as row %(line)d of this file.", line=line))
        return kind, message
    if ask_plugins is not None and (email or phone):
        lead = ask_plugins(email=email or None, phone=phone or None, since=None,
                           open_only=False)
        if lead is not None:
            return "email", _("Already lead #%(id)d.", id=lead.id)
    return None


def _duplicate_question():
    """Ask other plugins' duplicate rules row by row; the core's rule is ContactIndex."""
    pm = get_plugin_manager()
    core = [pm.get_plugin(name) for name in CORE_PLUGINS if pm.get_plugin(name) is not None]
    caller = pm.subset_hook_caller("kanban_lead_find_duplicate", remove_plugins=core)
    return caller if caller.get_hookimpls() else None


def _flush(pending, settings, user, report, dry_run) -> bool:
    """Write the pending rows in one transaction; on failure record it and return False."""
    if not pending:
        return True
    if dry_run:
        report.created += len(pending)
        folders = find_folders(_folder_names(values for _line, values in pending))
        report.new_folders.update(name for name, folder_id in folders.items() if folder_id is None)
        pending.clear()
        return True
    try:
        ids, new_folders = write_batch([values for _line, values in pending], settings.stage,
                                       user)
    except Exception as exc:
        db.session.rollback()
        current_app.logger.exception("CSV import batch failed")
        report.failure = _(
            "Rows %(first)d to %(last)d were not imported (nothing of them was saved): "
            "%(error)s. Fix the problem and import the file again; the rows already "
            "imported will be reported as duplicates.",
            first=pending[0][0], last=pending[-1][0], error=type(exc).__name__,
        )
        pending.clear()
        return False
    report.created += len(ids)
    report.new_folders.update(new_folders)
    pending.clear()
    if get_hook("kanban_lead_created").get_hookimpls():
        leads = {lead.id: lead for lead in db.session.scalars(select(Lead).where(Lead.id.in_(ids)))}
        for lead_id in ids:
            fire_event("kanban_lead_created", lead=leads[lead_id], source=leads[lead_id].source,
                       user=user)
    return True


def _folder_names(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    return [values[FOLDER] for values in rows if values.get(FOLDER)]


def write_batch(rows: list[Mapping[str, Any]], stage: Stage,
                user: User | None) -> tuple[list[int], set[str]]:
    """Add leads at the bottom of the stage, in order, all in one transaction.

    Returns the new leads' ids and the client folders made for them (casefolded names).
    """
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return _write_once(rows, stage, user)
        except (IntegrityError, OperationalError):
            # Someone else added a card at the bottom at the same moment: read again.
            db.session.rollback()
            if attempt == WRITE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _write_once(rows: list[Mapping[str, Any]], stage: Stage,
                user: User | None) -> tuple[list[int], set[str]]:
    # Core inserts (one statement per table for the whole batch) rather than the unit of
    # work: a 100,000-row list then takes seconds, not minutes.
    names = _folder_names(rows)
    folders = find_folders(names)
    made = add_folders(name for name in names if folders[name.casefold()] is None)
    folders.update(made)
    rank = db.session.scalar(select(func.max(Lead.rank)).where(Lead.stage_id == stage.id))
    lead_rows, tags = [], []
    for values in rows:
        values = dict(values)
        tags.append(values.pop("tags", []))
        if folder := values.pop(FOLDER, None):
            values["client_id"] = folders[folder.casefold()]
        rank = rank_between(rank, None)
        lead_rows.append({**values, "stage_id": stage.id, "rank": rank,
                          "search_text": lead_search_text(values)})
    ids = list(db.session.scalars(
        insert(Lead).returning(Lead.id, sort_by_parameter_order=True), lead_rows
    ))
    tag_rows = [{"lead_id": lead_id, "tag": tag}
                for lead_id, names in zip(ids, tags, strict=True) for tag in names]
    if tag_rows:
        db.session.execute(insert(LeadTag), tag_rows)
    author_id = user.id if user is not None else None
    db.session.execute(insert(Activity), [
        {
            "lead_id": lead_id,
            "author_id": author_id,
            "kind": ActivityKind.SYSTEM.value,
            "body": "",  # written when shown, in the reader's language
            "payload": {"event": "created", "source": values["source"]},
        }
        for lead_id, values in zip(ids, lead_rows, strict=True)
    ])
    db.session.commit()
    return ids, set(made)


def iter_report_rows(report: ImportReport) -> Iterator[list[Any]]:
    for item in report.rejected:
        yield [item.line, item.problem, item.column, item.reason, *item.cells]
