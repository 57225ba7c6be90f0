"""How two phone numbers are compared: on their digits, whatever the punctuation."""

from __future__ import annotations

import re

KEY_DIGITS = 9  # "+351 912 345 678" and "912345678" are the same number
MIN_DIGITS = 6  # fewer digits say too little to call two numbers the same
NOT_DIGITS = re.compile(r"\D")


def phone_digits(phone: str | None) -> str:
    """Return the digits of a phone number, for comparing numbers written differently."""
    return NOT_DIGITS.sub("", phone or "")


def phone_key(phone: str | None) -> str:
    """Return what a lead's ``phone_key`` holds: the last nine digits, or "" when too short.

    ``(912) 345 678``, ``+351 912-345-678`` and ``912.345.678`` share one key.
    """
    digits = phone_digits(phone)
    return digits[-KEY_DIGITS:] if len(digits) >= MIN_DIGITS else ""
