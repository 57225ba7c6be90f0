"""Amounts of money written as Babel writes them, without asking Babel for every card.

Babel looks up the locale's pattern, symbols and the currency's name and precision each
time it formats an amount: on a board of a few hundred cards that is most of the page's
time. Those depend only on the locale and the currency, so they are read once per pair;
an amount that this plain path does not cover (below zero, a pattern with text or a
currency's long name) is still formatted by Babel itself.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    list_currencies,
)


@dataclass(frozen=True)
class CurrencyFormat:
    """How one locale writes amounts in one currency."""

    locale: Locale
    currency: str
    prefix: str
    suffix: str
    group: str
    decimal: str
    grouping: tuple[int, int]
    min_digits: int
    precision: int
    quantum: Decimal

    def __call__(self, value: Decimal | int | float) -> str:
        """Write ``value`` as Babel's ``format_currency`` would."""
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite() or number.is_signed():
            return format_currency(number, self.currency, locale=self.locale)
        rounded = number.normalize().quantize(self.quantum)
        whole, _point, fraction = f"{rounded:f}".partition(".")
        return f"{self.prefix}{self._grouped(whole)}{self._fraction(fraction)}{self.suffix}"

    def _grouped(self, digits: str) -> str:
        if len(digits) < self.min_digits:
            digits = "0" * (self.min_digits - len(digits)) + digits
        size, groups = self.grouping[0], ""
        while len(digits) > size:
            groups = self.group + digits[-size:] + groups
            digits = digits[:-size]
            size = self.grouping[1]
        return digits + groups

    def _fraction(self, digits: str) -> str:
        if self.precision == 0:
            return ""
        return self.decimal + (digits or "0").ljust(self.precision, "0")


@lru_cache(maxsize=256)
def currency_format(locale: Locale, currency: str) -> CurrencyFormat | None:
    """Return the plain writer of ``currency`` amounts in ``locale``, or None when the
    locale's pattern needs Babel for every amount."""
    pattern = locale.currency_formats["standard"]
    affixes = (pattern.prefix[0], pattern.suffix[0])
    if (pattern.scale or pattern.exp_prec or "@" in pattern.pattern
            or any("'" in affix or "¤¤¤" in affix for affix in affixes)):
        return None
    symbol = get_currency_symbol(currency, locale)
    prefix, suffix = (affix.replace("¤¤", currency.upper()).replace("¤", symbol)
                      for affix in affixes)
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    if "'" in prefix + suffix + group + decimal:  # Babel takes it for quoted text
        return None
    precision = get_currency_precision(currency)
    return CurrencyFormat(
        locale=locale, currency=currency, prefix=prefix, suffix=suffix,
        group=group, decimal=decimal,
        grouping=pattern.grouping, min_digits=pattern.int_prec[0], precision=precision,
        quantum=Decimal(1).scaleb(-precision),
    )


def format_amount(value: Decimal | int | float, currency: str, locale: Locale) -> str:
    """Write an amount of money in ``locale``: "1 500,00 €", "$1,500.00"."""
    writer = currency_format(locale, currency)
    if writer is None:
        return format_currency(value, currency, locale=locale)
    return writer(value)


PLAIN_AMOUNT = re.compile(r"-?[\d.,]*\d[\d.,]*")
# Words written beside amounts once symbols are gone ("R$" leaves "R"), besides the codes.
CURRENCY_WORDS = frozenset({"r", "руб", "р", "kr", "zł", "lei", "kč"})
WORD_AT_AN_END = re.compile(r"^([^\W\d_]+)\.?|([^\W\d_]+)\.?$")
# Digits in thousands: 1 to 3, then groups of exactly 3 ("1.234.567", never "1.2.3").
THOUSANDS = re.compile(r"-?\d{1,3}(?:[.,]\d{3})+")


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes, as Babel's formats know them (read when first needed: a command
    that never reads an amount does not wait for them)."""
    return frozenset(list_currencies())


@lru_cache(maxsize=64)
def uses_decimal_comma(locale: str | None) -> bool:
    """Tell whether numbers are written with a decimal comma in this locale (pt, de, ru...)."""
    try:
        return get_decimal_symbol(Locale.parse((locale or "en").replace("-", "_"))) == ","
    except (UnknownLocaleError, ValueError, TypeError):
        return False


def typed_amount(value: Decimal | None, decimal_comma: bool) -> str:
    """Write a stored amount as a person types it back into a form: "1234.50", or
    "1234,50" with a decimal comma; "" for none."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.replace(".", ",") if decimal_comma else text


def read_amount(text: str, decimal_comma: bool) -> Decimal | str:
    """The amount ``text`` stands for, read as ``plain_amount`` does; the text itself when
    it is no number, so that the refusal can quote it."""
    try:
        return Decimal(plain_amount(text, decimal_comma))
    except InvalidOperation:
        return text


def plain_amount(text: str, decimal_comma: bool) -> str:
    """Read "1.500,50", "1,500.50", "€ 1 500" or "1500,5" as a plain number string.

    One separator alone followed by three digits is the thousands separator of the
    language (``decimal_comma``: "12.000" is twelve thousand in Spanish, "12,000" in
    English). Anything else ("5k", "about 300") is handed back as it is, to be refused.
    """
    cleaned = text
    if not PLAIN_AMOUNT.fullmatch(cleaned):  # most amounts: nothing to take off
        cleaned = "".join(c for c in text
                          if not c.isspace() and unicodedata.category(c) != "Sc")
        cleaned = WORD_AT_AN_END.sub(_currency_dropped, cleaned.replace("'", ""))
        if not PLAIN_AMOUNT.fullmatch(cleaned):
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
    whole = cleaned.rpartition(decimal)[0] if decimal else cleaned
    if whole.strip("-").strip("0123456789") and not THOUSANDS.fullmatch(whole):
        return text  # "1.2.3", "12,34,5": no way of writing thousands
    thousands = {",", "."} - {decimal}
    for mark in thousands:
        cleaned = cleaned.replace(mark, "")
    return cleaned.replace(",", ".")


def _currency_dropped(found: re.Match[str]) -> str:
    """A currency code or word at either end of an amount, dropped; any other word
    ("12 mil", "2 mln") kept, so that the amount is refused rather than misread."""
    word = found.group(1) or found.group(2)
    if word.upper() in currency_codes() or word.lower() in CURRENCY_WORDS:
        return ""
    return found.group(0)
