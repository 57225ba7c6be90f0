"""The one duplicate rule applied to many contacts at once (imports, lists, any bulk source).

A contact is a duplicate of a contact met earlier in the same run, of a stored lead (the
core's rule, ``kanban.duplicates``, asked for a whole batch in a few queries), or of a lead
another plugin's ``kanban_lead_find_duplicate`` knows.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, String, any_, bindparam, func, literal_column, select

from kanban.duplicates import stored_numbers_ending_with
from kanban.extensions import db
from kanban.models import Lead
from kanban.phones import (
    MIN_DIGITS,
    NATIONAL_DIGITS,
    one_number_ending_with,
    phone_key,
    same_number_keys,
)
from kanban.plugins import CORE_PLUGINS, get_plugin_manager

CHUNK = 5_000  # values per query (sent as one parameter: see _one_of)


@dataclass(frozen=True)
class Contact:
    email: str
    phone: str
    ref: Hashable  # the caller's name for it (a line of a file, a row of a list)


@dataclass(frozen=True)
class Duplicate:
    kind: str  # "email" or "phone"
    lead_id: int | None = None  # the stored lead it repeats
    ref: Hashable | None = None  # or the contact met earlier in this run
    other_rule: bool = False  # found by another plugin's rule, not by the same email or phone


class DuplicateFinder:
    """Say, batch after batch, which contacts are already known.

    Contacts that are not duplicates are remembered, so a later batch of the same run
    finds them too (a file that lists one client twice creates one lead).
    """

    def __init__(self) -> None:
        self._emails: dict[str, Hashable] = {}
        self._numbers: dict[str, Hashable] = {}  # the whole numbers met, by key
        # For a short number met later: the numbers met, by their ends (and then their key).
        self._ends: dict[int, dict[str, dict[str, Hashable]]] = {
            n: {} for n in range(MIN_DIGITS, NATIONAL_DIGITS)
        }
        self._other_rules = _other_plugins_rules()

    def check(self, contacts: Sequence[Contact]) -> list[Duplicate | None]:
        keyed = [(c.email.strip().lower(), phone_key(c.phone)) for c in contacts]
        stored, stored_ends = _stored_leads(keyed)
        found: list[Duplicate | None] = []
        for contact, (email, key) in zip(contacts, keyed, strict=True):
            duplicate = (self._seen(email, key) or stored(email, key)
                         or self._short_number(key, stored_ends.get(key, {})))
            if duplicate is None and self._other_rules is not None and (email or contact.phone):
                lead = self._other_rules(email=email or None, phone=contact.phone or None,
                                         since=None, open_only=False)
                if lead is not None:
                    duplicate = Duplicate("email" if email else "phone", lead_id=lead.id,
                                          other_rule=True)
            if duplicate is None:
                self._remember(email, key, contact.ref)
            found.append(duplicate)
        return found

    def forget(self) -> None:
        """Forget the contacts met so far, once they are stored leads: the database finds
        them from now on, and a long file's run keeps a flat memory."""
        self._emails.clear()
        self._numbers.clear()
        for ends in self._ends.values():
            ends.clear()

    def _seen(self, email: str, key: str) -> Duplicate | None:
        if email and email in self._emails:
            return Duplicate("email", ref=self._emails[email])
        for same in same_number_keys(key):
            if same in self._numbers:
                return Duplicate("phone", ref=self._numbers[same])
        return None

    def _short_number(self, key: str, stored: dict[str, int]) -> Duplicate | None:
        """The one number, met earlier in this run or stored, that the short ``key`` is
        written short for (the core's rule, ``kanban.phones.one_number_ending_with``)."""
        if len(key) not in self._ends:
            return None
        met = self._ends[len(key)].get(key, {})
        number = one_number_ending_with(key, [*met, *stored])
        for same, ref in met.items():
            if same in number:
                return Duplicate("phone", ref=ref)
        lead_ids = [stored[same] for same in number if same in stored]
        return Duplicate("phone", lead_id=min(lead_ids)) if lead_ids else None

    def _remember(self, email: str, key: str, ref: Hashable) -> None:
        if email:
            self._emails.setdefault(email, ref)
        if same_number_keys(key):
            self._numbers.setdefault(key, ref)
        for n, ends in self._ends.items():  # a shorter number met later matches this one's end
            if len(key) >= n:
                ends.setdefault(key[-n:], {}).setdefault(key, ref)


def _stored_leads(keyed: Sequence[tuple[str, str]]) -> tuple[Any, dict[str, dict[str, int]]]:
    """Read the stored leads sharing an email or a whole number's key with the batch's
    (email, phone key) pairs, in a few queries; return a lookup (email, phone key) ->
    Duplicate | None (the oldest lead wins), and, for each short number, the stored numbers
    ending with it (``kanban.duplicates.stored_numbers_ending_with``)."""
    emails = sorted({email for email, _key in keyed if email})
    keys = {key for _email, key in keyed} - {""}
    whole = {key: sames for key in keys if (sames := same_number_keys(key))}
    stored = sorted({same for sames in whole.values() for same in sames})
    by_email: dict[str, int] = {}
    by_stored_key: dict[str, int] = {}
    for start in range(0, len(emails), CHUNK):
        for email, lead_id in db.session.execute(
            select(Lead.email, Lead.id).where(_one_of(Lead.email, emails[start:start + CHUNK]))
            .order_by(Lead.id)
        ):
            by_email.setdefault(email, lead_id)
    for start in range(0, len(stored), CHUNK):
        for key, lead_id in db.session.execute(
            select(Lead.phone_key, Lead.id)
            .where(_one_of(Lead.phone_key, stored[start:start + CHUNK])).order_by(Lead.id)
        ):
            by_stored_key.setdefault(key, lead_id)
    by_key = {key: min(found) for key, sames in whole.items()
              if (found := [by_stored_key[same] for same in sames if same in by_stored_key])}
    # Short numbers (rare) are weighed with the numbers met earlier in the run.
    ends = {key: stored_numbers_ending_with(key) for key in sorted(keys - set(whole))}

    def lookup(email: str, key: str) -> Duplicate | None:
        if email in by_email:
            return Duplicate("email", lead_id=by_email[email])
        if key in by_key:
            return Duplicate("phone", lead_id=by_key[key])
        return None

    return lookup, ends


def _one_of(column: Any, values: list[str]) -> ColumnElement[bool]:
    """SQL for "the column holds one of the values", the values sent as one parameter
    (an array, or a JSON list on SQLite): a list of hundreds is not a statement of
    hundreds of parameters to build and send each time."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("values", values, type_=ARRAY(String)))
    listed = select(literal_column("value")).select_from(func.json_each(json.dumps(values)))
    return column.in_(listed.scalar_subquery())


def _other_plugins_rules() -> Any:
    """The duplicate rules of plugins other than the core's, asked contact by contact."""
    pm = get_plugin_manager()
    core = [pm.get_plugin(name) for name in CORE_PLUGINS if pm.get_plugin(name) is not None]
    caller = pm.subset_hook_caller("kanban_lead_find_duplicate", remove_plugins=core)
    return caller if caller.get_hookimpls() else None
