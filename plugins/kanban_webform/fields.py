"""The fields a form asks, and checking what a visitor typed into them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban.phones import is_one_number
from kanban.services.lead_input import phone_problem
from kanban.text import remove_unstorable

# Standard fields map onto lead fields; everything else goes to the lead's custom_fields.
STANDARD_FIELDS = {
    "name": (_l("Name"), 200),
    "email": (_l("Email"), 254),
    "phone": (_l("Phone"), 64),
    "company": (_l("Company"), 200),
    "message": (_l("Message"), 20_000),
}
CUSTOM_LIMIT = 2_000
HONEYPOT = "hp_website"
# Names the form itself uses; a custom field may not take them.
RESERVED = {HONEYPOT, "_ts", "_page", "_referrer", "csrf_token", *STANDARD_FIELDS}


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool
    custom: bool

    @property
    def limit(self) -> int:
        return CUSTOM_LIMIT if self.custom else STANDARD_FIELDS[self.key][1]

    @property
    def multiline(self) -> bool:
        return self.key == "message"

    @property
    def input_type(self) -> str:
        if self.custom:
            return "text"
        return {"email": "email", "phone": "tel"}.get(self.key, "text")


def form_fields(stored: list[dict[str, Any]]) -> list[Field]:
    """Return a form's fields from their stored description."""
    fields = []
    for item in stored or []:
        key = item.get("key", "")
        custom = bool(item.get("custom"))
        if not custom and key not in STANDARD_FIELDS:
            continue
        # A standard field is labelled in the language the form speaks, whatever the language
        # of the person who set the form up; an extra field as its label was written.
        label = (item.get("label") or key) if custom else str(STANDARD_FIELDS[key][0])
        fields.append(Field(key, label, bool(item.get("required")), custom))
    return fields


def field_labels(stored: list[dict[str, Any]]) -> dict[str, str]:
    """Return each field's label by its key, to show what a submission holds."""
    return {field.key: field.label for field in form_fields(stored)}


def typed_lines(stored: list[dict[str, Any]], data: Mapping[str, str]) -> list[str]:
    """Return what a visitor typed, one "Label: value" per field filled in, the form's
    fields first and in its order, for them to copy when it cannot be taken in."""
    typed = {key: value for key, value in data.items()
             if value.strip() and (key not in RESERVED or key in STANDARD_FIELDS)}
    labels = {key: str(label) for key, (label, _limit) in STANDARD_FIELDS.items()}
    labels.update(field_labels(stored))
    asked = [field.key for field in form_fields(stored)]
    order = [key for key in asked if key in typed] + [key for key in typed if key not in asked]
    return [f"{labels.get(key, key)}: {typed[key]}" for key in order]


def field_key(label: str) -> str:
    """Return a custom field's key made from its label: "Budget (EUR)" -> "budget_eur",
    "Orçamento" -> "orcamento"; a label in another alphabet keeps its letters ("Бюджет" ->
    "бюджет")."""
    letters = "".join(character for character in unicodedata.normalize("NFKD", label)
                      if not unicodedata.combining(character))
    latin = re.sub(r"[^a-z0-9]+", "_", letters.encode("ascii", "ignore").decode().lower())
    if latin.strip("_"):
        return latin.strip("_")[:60]
    return re.sub(r"[\W_]+", "_", letters.casefold()).strip("_")[:60]


def clean_submission(
    fields: list[Field], data: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """Check the visitor's input; return (clean values, {field key: problem})."""
    from email_validator import EmailNotValidError, validate_email  # compiles rules on import

    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in fields:
        raw = data.get(field.key)
        if raw is None:
            raw = ""
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            errors[field.key] = _("Write %(label)s as text.", label=field.label)
            continue
        # Any website or script may post the form: invisible characters are dropped, never
        # a reason to lose the lead.
        text = remove_unstorable(str(raw)).replace("\r\n", "\n").strip()
        values[field.key] = text
        if not text:
            if field.required:
                errors[field.key] = _("Fill in %(label)s.", label=field.label)
        elif len(text) > field.limit:
            errors[field.key] = _(
                "%(label)s is too long: at most %(limit)d characters.",
                label=field.label, limit=field.limit,
            )
        elif field.key == "email" and not field.custom:
            try:
                values["email"] = validate_email(text, check_deliverability=False).normalized
            except EmailNotValidError:
                errors[field.key] = _("This is not an email address, such as ana@example.com.")
        elif field.key == "phone" and not field.custom:
            # The core's check of a lead's phone, as every source; a visitor writes one
            # number where a lead's phone may hold two, or a word beside one.
            problem = phone_problem(text)
            if problem is None and not is_one_number(text):
                problem = _("This is not a phone number, such as +351 912 345 678.")
            if problem is not None:
                errors[field.key] = problem
    return values, errors

