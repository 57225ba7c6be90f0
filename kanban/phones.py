"""How two phone numbers are compared: on their last digits, whatever the punctuation.

A whole number (nine digits or more) is the same as the numbers ``same_number_keys`` names;
a short one (a local number, written without its area code) is the one number ending with
it, when only one does (``one_number_ending_with``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

KEY_DIGITS = 10  # "+7 912 345-67-89" and "+7 812 345-67-89" are two numbers
NATIONAL_DIGITS = 9  # "+351 912 345 678" and "912345678" are the same number
MIN_DIGITS = 6  # fewer digits say too little to call two numbers the same
FEWEST_DIGITS = 5  # the shortest numbers in use (on some islands) have five digits
NOT_DIGITS = re.compile(r"\D")
PHONE_CHARACTERS = re.compile(r"[0-9+()./\-\s]*")  # what people write a phone number with
# An extension written after the number: "ext. 5", "x 12", "доб. 5", "int. 12", "ramal 3".
EXTENSION = re.compile(
    r"[\s,;]*(?:ext|extn|extension|extensión|x|int|interno|ramal|доб|добавочный)\.?\s*#?"
    r"\d{1,6}\s*$", re.IGNORECASE)
# Between two numbers in one field: a semicolon, a comma or a slash beside a space
# ("02 1234567 / 333 1234567"); "912/345/678" and "912,345,678" are one number each.
BETWEEN_NUMBERS = re.compile(r";|,\s|\s/|/\s")


def without_extension(phone: str) -> str:
    """Return the number itself, without an extension written after it."""
    return EXTENSION.sub("", phone)


@lru_cache(maxsize=4096)  # a lead's phone is read several times as it is stored
def numbers_digits(phone: str | None) -> tuple[str, ...]:
    """Return the digits of each number a phone field holds (not of their extensions), in
    order: ``+39 02 1234567 / 333 1234567`` holds two. A part too short to be a number is
    the area code of the next ("030 / 1234567"), or nothing when no number follows."""
    text = without_extension(phone or "")
    if BETWEEN_NUMBERS.search(text) is None:  # one number, as most fields hold
        digits = NOT_DIGITS.sub("", text)
        return (digits,) if digits else ()
    numbers: list[str] = []
    digits = ""
    for part in BETWEEN_NUMBERS.split(text):
        digits += NOT_DIGITS.sub("", without_extension(part))
        if len(digits) >= MIN_DIGITS:
            numbers.append(digits)
            digits = ""
    return tuple(numbers) if numbers or not digits else (digits,)


def phone_digits(phone: str | None) -> str:
    """Return the digits of a phone number (not of its extension), for comparing numbers
    written differently; of the first number, when a field holds several
    (``+39 02 1234567 / 333 1234567``)."""
    numbers = numbers_digits(phone)
    return numbers[0] if numbers else ""


def phone_search_digits(phone: str | None) -> str:
    """Return what a lead's ``phone_search_digits`` holds: the digits of every number in its
    phone field, a space between two, so a search finds the lead by any of them (where
    duplicates are found by the first alone, ``phone_key``)."""
    return " ".join(numbers_digits(phone))


def holds_a_number(phone: str) -> bool:
    """Tell whether a phone field's text holds a number: digits, not words alone ("abc",
    "n/a"). Every lead source checks a phone with it (``kanban.services.lead_input``)."""
    return bool(phone_digits(phone))


def phone_key(phone: str | None) -> str:
    """Return what a lead's ``phone_key`` holds: the last ten digits, or "" when too short.

    ``(912) 345 678``, ``912-345-678`` and ``912.345.678`` share one key; ``8 912 345-67-89``
    and ``+7 912 345-67-89`` another.
    """
    digits = phone_digits(phone)
    return digits[-KEY_DIGITS:] if len(digits) >= MIN_DIGITS else ""


def same_number_keys(key: str) -> list[str]:
    """Return the keys of the numbers that are the same as the whole number keyed ``key``
    (nine or ten digits), ``key`` first; [] for a shorter key.

    Ten digits are the same ten, or their last nine written alone: ``+351 912 345 678`` is
    ``912 345 678``. Nine digits are themselves, or the last nine of any ten. Two numbers
    of ten or more digits that differ in their tenth digit from the end are two numbers,
    as Russia's ``+7 912 …`` and ``+7 812 …`` are."""
    if len(key) == KEY_DIGITS:
        return [key, key[-NATIONAL_DIGITS:]]
    if len(key) == NATIONAL_DIGITS:
        return [key, *(digit + key for digit in "0123456789")]
    return []


def one_number_ending_with(key: str, keys: Iterable[str]) -> list[str]:
    """Return which of ``keys``, the keys ending with a short number's ``key`` (a local
    number, written without its area code), are the one number it is written short for:
    the keys equal to it, else all of them when they are one number (each an end of the
    longest, as ``213 456 789`` is of ``+351 213 456 789``), else [] when several numbers
    end with it: never a guess."""
    ending = set(keys)
    if key in ending:
        return [key]
    longest = max(ending, key=len, default="")
    return sorted(ending) if all(longest.endswith(other) for other in ending) else []


def is_one_number(text: str) -> bool:
    """Tell whether ``text`` is one phone number and nothing else (an extension at most):
    a number's characters only, and enough digits to reach someone."""
    return (PHONE_CHARACTERS.fullmatch(without_extension(text)) is not None
            and len(phone_digits(text)) >= FEWEST_DIGITS)


def searched_digits(text: str) -> str:
    """Return the digits a search for ``text`` looks for in the phone keys: a number's last
    nine, found with or without its country code; "" when ``text`` is no number."""
    return phone_digits(text)[-NATIONAL_DIGITS:] if looks_like_phone(text.strip()) else ""


def looks_like_phone(text: str) -> bool:
    """Tell whether ``text`` is written only with a phone number's characters and has
    enough digits to be one (or to find one)."""
    return is_one_number(text) and len(phone_digits(text)) >= MIN_DIGITS
