"""Real-world CSV files (the shared corpus) imported into lists: every cell kept."""

from __future__ import annotations

import json

import pytest
from kanban_prospects.lists import RowQuery, columns_from, create_list, find_rows, guess_fields
from kanban_prospects.lists import import_table as fill

from kanban.tables.reading import open_table
from tests.corpora import require_corpus
from tests.csv.conftest import CORPUS

SPECTRUM = sorted(CORPUS.glob("csv-spectrum/csvs/*.csv")) if CORPUS.exists() else []


def imported(path, user):
    table = open_table(path)
    fields = guess_fields(table.header)
    plist = create_list(path.stem, columns_from(table.header, fields), user=user)
    fill(plist, table, fields, user=user)
    return plist


@pytest.mark.parametrize("path", SPECTRUM or [None], ids=lambda p: p.name if p else "missing")
def test_csv_spectrum_files_fill_a_list_cell_for_cell(path, member):
    require_corpus(CORPUS)
    expected = json.loads((path.parent.parent / "json" / f"{path.stem}.json").read_text())
    if b"\r" not in path.read_bytes():
        expected = [{k: v.replace("\r\n", "\n") for k, v in row.items()} for row in expected]
    plist = imported(path, member)
    assert [c["name"] for c in plist.columns] == list(expected[0])
    rows = find_rows(plist, RowQuery()).rows
    assert [row.cells for row in rows] == [
        [value.strip() for value in item.values()] for item in expected
        if any(value.strip() for value in item.values())]


def test_a_row_longer_than_the_header_keeps_its_extra_cells(member):
    require_corpus(CORPUS)
    plist = imported(CORPUS / "csvkit/bad.csv", member)
    assert plist.columns[-1] == {"name": "Column 4", "field": ""}
    assert find_rows(plist, RowQuery()).rows[0].cells == ["1", "27", "", "I'm too long!"]
