"""Dates as a spreadsheet writes them in the reader's language: "05.12.2026" (Russian),
"5/12/2026" (Spanish, Portuguese, Italian), "12/5/2026" (American English), or ISO."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_date_format

TYPED_DATE = re.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


@lru_cache(maxsize=32)
def writes_day_first(locale: str | None) -> bool:
    """Tell whether this locale writes the day before the month (most do; American English
    does not)."""
    try:
        pattern = get_date_format("short", locale=Locale.parse((locale or "en").replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return True
    return pattern.pattern.lstrip().lower().startswith("d")


def plain_date(text: str, day_first: bool) -> str:
    """Write a typed date as ISO ("05.12.2026" -> "2026-12-05"); a two-digit year is in
    this century. Anything else is handed back as it is, for the core to refuse."""
    found = TYPED_DATE.fullmatch(text.strip())
    if found is None:
        return text
    first, second, third = found.groups()
    if len(first) == 4:
        year, month, day = first, second, third
    elif len(third) in (2, 4):
        year = third if len(third) == 4 else f"20{third}"
        day, month = (first, second) if day_first else (second, first)
    else:
        return text
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return text


EXAMPLE_DAY = date(2026, 3, 31)


@lru_cache(maxsize=32)
def typed_example(locale: str | None) -> str:
    """The example day as a spreadsheet in this language types it ("31.03.2026" in Russian,
    "31/03/2026" in Portuguese, "03/31/2026" in American English): what a refusal of a typed
    date shows."""
    try:
        pattern = get_date_format("short", locale=Locale.parse((locale or "en").replace("-", "_")))
        separator = next((c for c in pattern.pattern if c in "./-"), "/")
    except (UnknownLocaleError, ValueError, TypeError):
        separator = "/"
    day, month = f"{EXAMPLE_DAY.day:02d}", f"{EXAMPLE_DAY.month:02d}"
    first, second = (day, month) if writes_day_first(locale) else (month, day)
    return separator.join((first, second, str(EXAMPLE_DAY.year)))
