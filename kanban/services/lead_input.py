"""Turn raw lead data (JSON, form fields, plugin input) into clean values, or name what is wrong."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import has_request_context, request
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from kanban import lead_fields
from kanban.amounts import currency_codes, plain_amount, uses_decimal_comma
from kanban.emails import checked_email
from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Client, NextActionKind, Priority, User
from kanban.models.base import today
from kanban.phones import holds_a_number
from kanban.text import has_unstorable, unstorable_message

TEXT_LIMITS = lead_fields.LIMITS
EDITABLE_FIELDS = lead_fields.EDITABLE
# Words other tools (and earlier exports) use for a prospect's priority.
PRIORITY_NAMES = {"high": Priority.FIRST, "normal": Priority.SECOND, "low": Priority.THIRD}
MAX_TAGS = 20
TAG_LIMIT = 64  # characters in one tag
MAX_VALUE = Decimal("999999999999.99")
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
# A date stored further ahead is a mistyped year (a renewal may well be years away).
FURTHEST_DAYS = 3653


def is_id(value: Any) -> bool:
    """Tell whether ``value`` can be a row's id: a whole number a primary key can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def clean_lead_data(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate lead fields; return the clean values of the fields present.

    With ``partial`` (an edit) only the given fields are checked; otherwise a title
    is required. Raises ValidationError naming every bad field.
    """
    if not isinstance(data, Mapping):
        raise ValidationError(_("Send the lead as an object of fields."))
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        try:
            clean[name] = CLEANERS[name](data[name], name)
        except FieldError as exc:
            errors[name] = exc.message
    if not partial and not clean.get("title"):
        errors.setdefault("title", _("A lead needs a title."))
    if "title" in clean and not clean["title"]:
        errors.setdefault("title", _("A lead needs a title."))
    kind = clean.get("next_action_kind")
    if (not partial and kind == NextActionKind.STANDBY and clean.get("next_action_date")
            and clean["next_action_date"] < today()):
        errors.setdefault("next_action_date", not_before_today())
    if kind == NextActionKind.STANDBY and not clean.get("next_action_date") and (
        not partial or "next_action_date" in data
    ):
        errors.setdefault(
            "next_action_date", _("Standby needs the date when the lead comes back to to do.")
        )
    if errors:
        raise ValidationError(_("Some fields need your attention."), fields=errors)
    return clean


class FieldError(Exception):
    def __init__(self, message: str):
        self.message = message


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise FieldError(_("Must be text."))
    text = str(value).strip()
    if has_unstorable(text):
        raise FieldError(unstorable_message())
    limit = TEXT_LIMITS.get(name, 255)
    if len(text) > limit:
        raise FieldError(_("Too long: at most %(limit)d characters.", limit=limit))
    return text


def _email(value: Any, name: str) -> str:
    text = _text(value, name)
    if not text:
        return ""
    email = checked_email(text)
    if email is None:
        raise FieldError(_("This is not a valid email address."))
    return email


def _phone(value: Any, name: str) -> str:
    text = _text(value, name)
    problem = phone_problem(text)
    if problem is not None:
        raise FieldError(problem)
    return text


def phone_problem(text: str) -> str | None:
    """Say what is wrong with a phone as written, or None: the one check of a lead's phone,
    whatever its source (the lead's form, the API, an import, a web form)."""
    if text and not holds_a_number(text):
        return _("A phone number needs digits.")
    return None


ONE_MARK_AND_THREE_DIGITS = re.compile(r"(\d{1,3})([.,])(\d{3})")


def _value(value: Any, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise FieldError(_("Must be a number."))
    decimal_comma = readers_decimal_comma()
    if isinstance(value, str) and not decimal_comma and (
            found := ONE_MARK_AND_THREE_DIGITS.fullmatch(value.strip())) and (
            found[2] == "." or _from_a_program()):
        # "12.000" is twelve thousand to a Spanish integration, twelve to an English one;
        # a program writes amounts plainly ("12000.50"): never guessed
        raise FieldError(_("%(value)s may be thousands or decimals: write %(whole)s for "
                           "thousands, or two decimals after a dot.",
                           value=found[0], whole=found[1] + found[3]))
    try:
        amount = Decimal(plain_amount(value, decimal_comma)
                         if isinstance(value, str) else str(value))
    except InvalidOperation:
        raise FieldError(_("Must be a number, such as 1500 or 1500.50.")) from None
    if not amount.is_finite() or amount < 0:
        raise FieldError(_("Must be a positive amount."))
    if amount > MAX_VALUE:
        raise FieldError(_("Too large: at most %(most)s.", most=format_decimal(MAX_VALUE)))
    cents = amount.quantize(Decimal("0.01"))
    if cents != amount:  # "12.345": never rounded away without a word
        raise FieldError(_("Use at most two decimals, such as 1500.50."))
    return cents


def _from_a_program() -> bool:
    return has_request_context() and request.blueprint == "api"


def readers_decimal_comma() -> bool:
    """Tell whether the person typing writes a decimal comma: "12.000" is then twelve
    thousand, as in Spanish, Italian, Portuguese or Russian. The API reads amounts as it
    writes them ("12000.50"), whatever the language of the program's user."""
    if not has_request_context() or _from_a_program():
        return False
    locale = get_locale()
    return uses_decimal_comma(str(locale) if locale is not None else None)


def _currency(value: Any, name: str) -> str:
    text = _text(value, name).upper()
    if len(text) != 3 or not text.isalpha() or not text.isascii():
        raise FieldError(_("Use a three-letter currency code such as EUR."))
    if text not in currency_codes():
        raise FieldError(_("%(code)s is not a currency code: use one such as EUR, USD or BRL.",
                           code=text))
    return text


def _owner(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool | float):
        raise FieldError(_("Choose a user."))
    try:
        owner_id = int(value)
    except (TypeError, ValueError):
        raise FieldError(_("Choose a user.")) from None
    if not 1 <= owner_id <= MAX_ID:
        raise FieldError(_("There is no active user with this id."))
    owner = db.session.get(User, owner_id)
    if owner is None or not owner.active:
        raise FieldError(_("There is no active user with this id."))
    return owner_id


def _priority(value: Any, name: str) -> int:
    priority = read_priority(value)
    if priority is None:
        raise FieldError(_("Use 1, 2 or 3 (1 is the most promising)."))
    return priority


def read_priority(value: Any) -> int | None:
    """Return a prospect priority (1, 2 or 3) from a number or a word, or None."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in PRIORITY_NAMES:
            return int(PRIORITY_NAMES[text])
        value = int(text) if text.isascii() and text.isdigit() and len(text) < 3 else None
    if isinstance(value, int) and not isinstance(value, bool) and value in iter(Priority):
        return int(value)
    return None


def _yes_no(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "y"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("", "0", "false", "no", "off", "n"):
        return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise FieldError(_("Use yes or no."))


def _client(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool | float):
        raise FieldError(_("Choose a client folder."))
    try:
        client_id = int(value)
    except (TypeError, ValueError):
        raise FieldError(_("Choose a client folder.")) from None
    if not 1 <= client_id <= MAX_ID or db.session.get(Client, client_id) is None:
        raise FieldError(_("There is no client folder with this id."))
    return client_id


def _tags(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise FieldError(_("Send tags as a list of words."))
    tags = list(dict.fromkeys(tag.strip().lower() for tag in value if tag.strip()))
    if len(tags) > MAX_TAGS:
        raise FieldError(_("At most %(count)d tags.", count=MAX_TAGS))
    if any(len(tag) > TAG_LIMIT for tag in tags):
        raise FieldError(_("A tag has at most 64 characters."))
    if any(has_unstorable(tag) for tag in tags):
        raise FieldError(unstorable_message())
    return tags


def _custom_fields(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise FieldError(_("Send custom fields as an object."))
    if len(value) > 100:
        raise FieldError(_("At most 100 custom fields."))
    clean = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip() or len(key) > 100:
            raise FieldError(_("Each custom field needs a name of at most 100 characters."))
        if item is not None and not isinstance(item, str | int | float | bool):
            raise FieldError(_("Custom field values must be text, numbers or yes/no."))
        if isinstance(item, str) and len(item) > 10_000:
            raise FieldError(_("A custom field value is too long."))
        if has_unstorable(key) or (isinstance(item, str) and has_unstorable(item)):
            raise FieldError(unstorable_message())
        if isinstance(item, float) and not math.isfinite(item):
            raise FieldError(_("Custom field values must be text, numbers or yes/no."))
        clean[key.strip()] = item
    return clean


def _next_action_kind(value: Any, name: str) -> str:
    if value in (NextActionKind.TODO.value, NextActionKind.STANDBY.value):
        return str(value)
    raise FieldError(_("Use todo or standby."))


def not_before_today() -> str:
    """Why a follow-up date, or the end of a standby, before today is refused."""
    return _("Pick today or a later date.")


def _date(value: Any, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        day = value
    elif not isinstance(value, str):
        raise FieldError(_("Use a date such as 2026-03-31."))
    else:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise FieldError(_("Use a date such as 2026-03-31.")) from None
    if day > today() + timedelta(days=FURTHEST_DAYS):
        from kanban.templating import day as written  # the app's one way of writing a day

        raise FieldError(_("Pick a date within ten years, by %(last)s.",
                           last=written(today() + timedelta(days=FURTHEST_DAYS))))
    return day


def _time(value: Any, name: str) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    found = read_time_of_day(value)
    if found is None:
        raise FieldError(_("Use a time of day such as 09:30."))
    return found


TIME_OF_DAY = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


def read_time_of_day(value: Any) -> time | None:
    """Return the time of day written as HH:MM, or None when it is not one."""
    match = TIME_OF_DAY.match(value.strip()) if isinstance(value, str) else None
    return time(int(match[1]), int(match[2])) if match else None


CLEANER_OF_KIND = {
    lead_fields.TEXT: _text,
    lead_fields.EMAIL: _email,
    lead_fields.PHONE: _phone,
    lead_fields.AMOUNT: _value,
    lead_fields.CURRENCY: _currency,
    lead_fields.USER: _owner,
    lead_fields.PRIORITY: _priority,
    lead_fields.FLAG: _yes_no,
    lead_fields.CLIENT: _client,
    lead_fields.TAGS: _tags,
    lead_fields.CUSTOM: _custom_fields,
    lead_fields.NEXT_KIND: _next_action_kind,
    lead_fields.DATE: _date,
    lead_fields.TIME: _time,
}
CLEANERS = {name: CLEANER_OF_KIND[lead_fields.BY_NAME[name].kind] for name in EDITABLE_FIELDS}
