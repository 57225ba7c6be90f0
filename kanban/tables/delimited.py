"""The export presets: Excel (BOM, the locale's delimiter and decimal mark), RFC 4180, TSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from kanban.amounts import uses_decimal_comma
from kanban.models.base import team_zone
from kanban.tables.cells import FORMULA_STARTS, cell_writer
from kanban.ui import ExportFormat

# Rows per chunk handed to the response: big enough to keep the per-chunk cost small,
# small enough that memory does not depend on the export's size.
CHUNK_ROWS = 500
FORMULA_FIRST = frozenset(FORMULA_STARTS)


def write_delimited(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ",",
    decimal_comma: bool = False,
    bom: bool = False,
    zone: ZoneInfo | None = None,
) -> Iterator[str]:
    """Yield the file in chunks of text, quoting only what needs it, lines ending CRLF.

    Moments are written in ISO 8601 UTC, or in ``zone`` as spreadsheets read them.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    convert = cell_writer(decimal_comma, zone)
    if bom:
        buffer.write("\ufeff")
    writer.writerow([convert(name) for name in header])
    rows = iter(rows)
    formula_first = FORMULA_FIRST
    while True:
        # Most cells are plain text: skip the call for them (the export's hot loop).
        chunk = [
            [
                value if type(value) is str and value[:1] not in formula_first
                else "" if value is None else convert(value)
                for value in row
            ]
            for row in islice(rows, CHUNK_ROWS)
        ]
        if not chunk:
            break
        writer.writerows(chunk)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def render_excel(header, rows, options) -> Iterator[str]:
    # Excel in Portuguese or Russian keeps "2026-12-07T11:51:39Z" as text, but reads
    # "2026-12-07 11:51" as a date and time; the team reads its own clock.
    comma = uses_decimal_comma(options.get("locale"))
    return write_delimited(
        header, rows, delimiter=";" if comma else ",", decimal_comma=comma, bom=True,
        zone=team_zone(),
    )


def render_rfc4180(header, rows, options) -> Iterator[str]:
    return write_delimited(header, rows)


def render_tsv(header, rows, options) -> Iterator[str]:
    return write_delimited(header, rows, delimiter="\t")


def builtin_formats() -> list[ExportFormat]:
    """Return the plugin's own presets; other plugins add theirs through the same hook."""
    return [
        ExportFormat("excel", str(_l("Excel (UTF-8 with BOM, your language's separators)")),
                     "csv", "text/csv; charset=utf-8", render_excel),
        ExportFormat("csv", str(_l("CSV (RFC 4180, UTF-8)")), "csv",
                     "text/csv; charset=utf-8", render_rfc4180),
        ExportFormat("tsv", str(_l("TSV (tab-separated)")), "tsv",
                     "text/tab-separated-values; charset=utf-8", render_tsv),
    ]
