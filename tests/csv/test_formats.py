"""The spreadsheet presets: Excel with a BOM and the locale's separators, RFC 4180, TSV."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kanban.amounts import uses_decimal_comma
from kanban.tables.delimited import render_excel, render_rfc4180, render_tsv
from tests.csv.conftest import parse

HEADER = ["Title", "Value"]
ROWS = [["Café", Decimal("1500.50")], ["Иван", Decimal("-3.25")]]


def render(renderer, locale="en") -> str:
    return "".join(renderer(HEADER, iter(ROWS), {"locale": locale}))


@pytest.mark.parametrize("locale", ["pt", "it", "es", "ru", "de", "fr", "pt_BR"])
def test_excel_uses_semicolons_and_decimal_commas_where_the_decimal_mark_is_a_comma(locale):
    text = render(render_excel, locale)
    assert text.startswith("\ufeff")
    assert text[1:].split("\r\n")[:3] == ["Title;Value", "Café;1500,50", "Иван;-3,25"]


@pytest.mark.parametrize("locale", ["en", "en_GB", None, "xx-nonsense"])
def test_excel_uses_commas_and_decimal_points_in_english(locale):
    text = render(render_excel, locale)
    assert text.startswith("\ufeff")
    assert text[1:].split("\r\n")[:3] == ["Title,Value", "Café,1500.50", "Иван,-3.25"]


def test_rfc4180_is_utf8_without_bom_with_crlf_lines():
    text = render(render_rfc4180, "pt")
    assert not text.startswith("\ufeff")
    assert text == "Title,Value\r\nCafé,1500.50\r\nИван,-3.25\r\n"


def test_tsv_separates_with_tabs():
    text = render(render_tsv)
    assert parse(text, "\t") == [HEADER, ["Café", "1500.50"], ["Иван", "-3.25"]]


def test_decimal_comma_follows_the_locale():
    assert uses_decimal_comma("pt") and uses_decimal_comma("ru")
    assert not uses_decimal_comma("en")
