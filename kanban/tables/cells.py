"""Cells a spreadsheet can open safely: text that cannot run, numbers that stay numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

# OWASP "CSV injection": a cell starting with one of these may be run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with a single quote."""
    if text and text[0] in FORMULA_STARTS:
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo ``neutralise`` on a cell read back from an exported file."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def iso(value: date | datetime) -> str:
    """Write a date or a moment in ISO 8601 (moments in UTC, to the second)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset():
            value = value.astimezone(UTC)
        return value.isoformat(timespec="seconds")[:19] + "Z"
    return value.isoformat()


def local_minute(value: datetime, zone: ZoneInfo) -> str:
    """Write a moment in ``zone`` to the minute, as spreadsheets in every language read it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    # isoformat, not strftime: twice as fast, and every export row may hold a few moments.
    return value.astimezone(zone).isoformat(" ", "minutes")[:16]


def cell_writer(decimal_comma: bool = False, zone: ZoneInfo | None = None):
    """Return a function that turns one typed value into the text of its cell.

    Numbers (int, float, Decimal) are written as numbers, never neutralised, so a
    real negative amount stays a number; text is neutralised. Moments are written in
    ISO 8601 UTC, or, given a ``zone``, in that zone as a spreadsheet reads them.
    """

    def number(value: Any) -> str:
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return text.replace(".", ",") if decimal_comma else text

    def convert(value: Any) -> str:
        kind = type(value)
        if kind is str:
            return "'" + value if value and value[0] in FORMULA_STARTS else value
        if kind is Decimal:  # amounts: the most common value that is not text
            return format(value, "f").replace(".", ",") if decimal_comma else format(value, "f")
        if value is None:
            return ""
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            return str(value)
        if kind is float:
            return number(value)
        if zone is not None and isinstance(value, datetime):
            return local_minute(value, zone)
        if isinstance(value, date):
            return iso(value)
        return neutralise(str(value))

    return convert
