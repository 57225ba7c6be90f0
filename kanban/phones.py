"""How two phone numbers are compared: on their digits, whatever the punctuation."""

from __future__ import annotations

import re

KEY_DIGITS = 9  # "+351 912 345 678" and "912345678" are the same number
MIN_DIGITS = 6  # fewer digits say too little to call two numbers the same
NOT_DIGITS = re.compile(r"\D")
PHONE_CHARACTERS = re.compile(r"[0-9+()./\-\s]*")  # what people write a phone number with


def phone_digits(phone: str | None) -> str:
    """Return the digits of a phone number, for comparing numbers written differently."""
    return NOT_DIGITS.sub("", phone or "")


def phone_key(phone: str | None) -> str:
    """Return what a lead's ``phone_key`` holds: the last nine digits, or "" when too short.

    ``(912) 345 678``, ``+351 912-345-678`` and ``912.345.678`` share one key.
    """
    digits = phone_digits(phone)
    return digits[-KEY_DIGITS:] if len(digits) >= MIN_DIGITS else ""


def looks_like_phone(text: str) -> bool:
    """Tell whether ``text`` is written only with a phone number's characters and has
    enough digits to be one (or to find one)."""
    return (PHONE_CHARACTERS.fullmatch(text) is not None
            and len(phone_digits(text)) >= MIN_DIGITS)
