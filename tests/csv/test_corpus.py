"""Every file of the shared CSV corpus is imported or refused with a clear reason.

The corpus (csvkit's examples and csv-spectrum, see their SOURCES.md) sits beside the
repository in ``shared/corpora/csv``. csv-spectrum's JSON files are the oracle for
what its CSV files hold.
"""

from __future__ import annotations

import json

import pytest
from kanban_csv.importer import ImportSettings, run_import
from kanban_csv.mapping import CUSTOM
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from kanban.tables.reading import CsvProblem, open_table
from tests.corpora import require_corpus
from tests.csv.conftest import CORPUS

FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".csv", ".tsv")) if CORPUS.exists() \
    else []
SPECTRUM = [p for p in FILES if p.parent.name == "csvs"]
# Files that hold no rows to import, and what the person is told.
REFUSED = {
    "csvkit/empty.csv": "The file is empty.",
    "csvkit/blanks_converted.csv": "The file has a header row but no rows of data.",
    "csvkit/no_header_row.csv": "The file has a header row but no rows of data.",
    "csvkit/no_header_row2.csv": "The file has a header row but no rows of data.",
    "csvkit/test_empty_columns_long_row.csv": "The file has a header row but no rows of data.",
    "csvkit/test_empty_columns_short_row.csv": "The file has a header row but no rows of data.",
}


def name_of(path) -> str:
    return str(path.relative_to(CORPUS))


def first_column_as_title(table) -> ImportSettings:
    """What a person does with an unknown list: the first column names the lead."""
    return ["title"] + [CUSTOM] * (len(table.header) - 1)


@pytest.mark.parametrize("path", FILES or [None], ids=lambda p: name_of(p) if p else "missing")
def test_corpus_file_is_imported_or_refused_with_a_clear_reason(path, pipeline):
    require_corpus(CORPUS)
    try:
        table = open_table(path)
    except CsvProblem as problem:
        assert REFUSED.get(name_of(path)) == problem.message
        return
    assert name_of(path) not in REFUSED
    settings = ImportSettings(mapping=first_column_as_title(table), stage=pipeline.stages[0])
    report = run_import(table, settings, user=None, dry_run=True)
    assert report.rows > 0
    assert report.created + report.invalid + report.duplicates == report.rows
    assert not report.failure
    lines = path.read_bytes().count(b"\n") + path.read_bytes().count(b"\r") + 1
    for item in report.rejected:
        assert item.reason and table.header_row < item.row <= lines


@pytest.mark.parametrize("path", SPECTRUM or [None], ids=lambda p: p.name if p else "missing")
def test_csv_spectrum_rows_are_read_as_its_oracle_says_and_imported(path, pipeline):
    require_corpus(CORPUS)
    expected = json.loads((path.parent.parent / "json" / f"{path.stem}.json").read_text())
    if b"\r" not in path.read_bytes():
        # The stored copy of newlines_crlf.csv lost its CRs; its oracle still has them.
        expected = [{k: v.replace("\r\n", "\n") for k, v in row.items()} for row in expected]
    table = open_table(path)
    assert table.header == list(expected[0])
    assert [dict(zip(table.header, cells, strict=True)) for _line, cells in table.rows()] \
        == expected
    settings = ImportSettings(mapping=first_column_as_title(table), stage=pipeline.stages[0])
    report = run_import(table, settings, user=None, dry_run=False)
    titles = db.session.scalars(select(Lead.title).order_by(Lead.rank)).all()
    assert titles == [row[table.header[0]].strip() for row in expected
                      if row[table.header[0]].strip()]
    assert report.created == len(titles)


def cells_of(name: str) -> list[list[str]]:
    return [cells for _line, cells in open_table(CORPUS / name).rows()]


def test_corpus_encodings_and_line_endings_are_read_right():
    require_corpus(CORPUS)
    assert cells_of("csvkit/test_latin1.csv") == [["1", "2", "3"], ["4", "5", "©"]]
    assert cells_of("csvkit/test_utf16_big.csv") == cells_of("csvkit/test_utf16_little.csv")
    assert cells_of("csvkit/test_utf8_bom.csv") == cells_of("csvkit/test_utf8.csv")
    assert open_table(CORPUS / "csvkit/test_utf8_bom.csv").header == ["foo", "bar", "baz"]
    assert cells_of("csvkit/mac_newlines.csv") == [["1", "2", "3"],
                                                   ["Once upon\ra time", "5", "6"]]
    assert open_table(CORPUS / "csvkit/dummy.tsv").delimiter == "\t"
    assert open_table(CORPUS / "csvkit/sniff_limit.csv").delimiter == ";"


def test_corpus_null_byte_is_dropped_and_ragged_rows_are_rejected_with_their_row(pipeline):
    require_corpus(CORPUS)
    table = open_table(CORPUS / "csvkit/null_byte.csv")
    settings = ImportSettings(mapping=first_column_as_title(table), stage=pipeline.stages[0])
    report = run_import(table, settings, user=None, dry_run=True)
    # The title cell held only a NUL: once it is dropped, the row has no title.
    assert [(r.row, r.column, r.reason) for r in report.rejected] == [
        (2, "a", "A lead needs a title.")]
    table = open_table(CORPUS / "csvkit/bad.csv")
    settings = ImportSettings(mapping=first_column_as_title(table), stage=pipeline.stages[0])
    report = run_import(table, settings, user=None, dry_run=True)
    assert "This row has 4 cells but the header has 3" in report.rejected[0].reason
    assert report.rejected[0].row == 2
