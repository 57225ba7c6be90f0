"""Amounts of money: the board's quick writer says exactly what Babel says."""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from kanban.amounts import format_amount

LOCALES = [Locale.parse(name) for name in
           ("en", "pt_PT", "it_IT", "es_ES", "ru_RU", "de_CH", "hi_IN", "ar_EG", "nl_NL", "ja")]
CURRENCIES = ["EUR", "USD", "GBP", "JPY", "RUB", "CHF", "BRL", "INR", "KWD", "CLF", "XXX"]
AMOUNTS = st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=4,
                      allow_nan=False, allow_infinity=False)


@given(AMOUNTS, st.sampled_from(CURRENCIES), st.sampled_from(LOCALES))
def test_an_amount_reads_as_babel_writes_it(amount, currency, locale):
    assert format_amount(amount, currency, locale) == format_currency(amount, currency,
                                                                      locale=locale)


@given(st.integers(min_value=-10**12, max_value=10**12), st.sampled_from(CURRENCIES),
       st.sampled_from(LOCALES))
def test_a_whole_amount_reads_as_babel_writes_it(amount, currency, locale):
    assert format_amount(amount, currency, locale) == format_currency(amount, currency,
                                                                      locale=locale)


def test_half_a_cent_rounds_to_the_even_cent_as_babel_does():
    locale = Locale.parse("en")
    for amount in ("0.005", "0.015", "0.025", "2.675", "1e-30"):
        assert format_amount(Decimal(amount), "EUR", locale) == format_currency(
            Decimal(amount), "EUR", locale=locale)
