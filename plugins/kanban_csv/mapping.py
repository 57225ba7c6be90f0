"""Which lead field each column of a prospect list fills, guessed from its header."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from kanban import lead_fields
from kanban.tables.headers import IGNORE, SYNONYM_GUESSES, normalise
from kanban_csv.export import LEAD_COLUMNS

CUSTOM = "custom"
# Lead fields an import fills its own way: a person and a folder are found by name.
_BY_NAME = {
    "owner_id": ("owner", _l("Owner (email or name of a user)")),
    "client_id": ("client", _l("Client folder (found by name, or created)")),
}
# A lead comes in to be worked (to do), and a reason for losing it is given when it is lost.
_NOT_FROM_FILES = {"next_action_kind"}


def _targets() -> dict[str, Any]:
    targets: dict[str, Any] = {}
    for field in lead_fields.EXPORTED:
        if not field.editable or field.name in _NOT_FROM_FILES:
            continue
        key, label = _BY_NAME.get(field.name, (field.name, field.label))
        targets[key] = label
        if key == "contact_name":
            targets["first_name"] = _l("First name (joined to the contact name)")
            targets["last_name"] = _l("Last name (joined to the contact name)")
    targets[CUSTOM] = _l("Custom field named after the column")
    targets[IGNORE] = _l("Leave out")
    return targets


# The fields a column can fill, in the order the mapping form lists them: the core's lead
# fields, in the order of its table.
TARGETS = _targets()
def _export_target(key: str) -> str:
    """Say what an exported column fills when the file comes back: a lead field, the owner
    (by email), or nothing (where the lead stood: its stage, status, dates)."""
    if key in TARGETS:
        return key
    return "owner" if key == "owner_email" else IGNORE


@lru_cache(maxsize=8)
def _guesses(languages: tuple[str, ...]) -> dict[str, str]:
    """Every export header in every offered language, then the synonyms (which win), so a
    file exported in any language imports back column for column."""
    guesses: dict[str, str] = {}
    for language in languages:
        with force_locale(language):
            for column in LEAD_COLUMNS:
                guesses.setdefault(normalise(str(column.label)), _export_target(column.key))
    return {**guesses, **SYNONYM_GUESSES}


def guess_mapping(header: list[str]) -> list[str]:
    """Return a target per column; each field is guessed for one column at most."""
    mapping: list[str] = []
    taken: set[str] = set()
    guesses = _guesses(tuple(current_app.config["LANGUAGES"]))
    for name in header:
        target = guesses.get(normalise(name), CUSTOM)
        if target not in (CUSTOM, IGNORE) and target in taken:
            target = IGNORE if target == "owner" else CUSTOM
        taken.add(target)
        mapping.append(target)
    if "last_name" in taken and "first_name" not in taken and "contact_name" in taken:
        # "Nome" beside "Cognome", "Имя" beside "Фамилия": the name column holds the first
        # name, and the two are joined.
        mapping[mapping.index("contact_name")] = "first_name"
    return mapping
