"""Cells a spreadsheet opens safely: formulas neutralised, numbers kept, text round-trips."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kanban.tables.cells import cell_writer, neutralise, restore
from kanban.tables.delimited import write_delimited
from tests.csv.conftest import parse


@pytest.mark.parametrize("text", ["=1+2", "+351 912", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)",
                                  "\tindent", "\rreturn"])
def test_text_a_spreadsheet_would_run_gets_a_quote_prefix(text):
    assert cell_writer()(text) == "'" + text


@pytest.mark.parametrize("text", ["Padaria", "João", "", "1+1", "a=b", "'quoted"])
def test_ordinary_text_is_written_as_is(text):
    assert cell_writer()(text) == text


def test_negative_numbers_in_numeric_columns_stay_numbers():
    write = cell_writer()
    assert write(Decimal("-1500.50")) == "-1500.50"
    assert write(-3) == "-3"
    assert write(-2.5) == "-2.5"


def test_decimal_comma_writes_numbers_with_a_comma():
    write = cell_writer(decimal_comma=True)
    assert write(Decimal("1500.50")) == "1500,50"
    assert write("1500.50") == "1500.50"  # text is never rewritten


def test_dates_are_written_in_iso_8601():
    write = cell_writer()
    assert write(date(2026, 3, 31)) == "2026-03-31"
    assert write(datetime(2026, 3, 31, 9, 5, 7, 123, tzinfo=UTC)) == "2026-03-31T09:05:07Z"


def test_a_writer_given_a_zone_writes_moments_on_its_clock_to_the_minute():
    write = cell_writer(zone=ZoneInfo("Europe/Lisbon"))
    assert write(datetime(2026, 7, 7, 11, 51, 39, tzinfo=UTC)) == "2026-07-07 12:51"
    assert write(date(2026, 7, 7)) == "2026-07-07"


def test_restore_undoes_neutralise_only_for_neutralised_cells():
    for text in ["=1+2", "+351", "-5", "@x", "plain", "'kept"]:
        assert restore(neutralise(text)) == text


def test_newlines_quotes_and_delimiters_inside_fields_round_trip():
    cells = ["Line one\nLine \"two\"", "a,b;c\td", "crlf\r\ninside", "ünïcødé Иван"]
    body = "".join(write_delimited(["h1", "h2", "h3", "h4"], [cells]))
    assert parse(body)[1] == cells
