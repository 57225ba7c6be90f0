"""Read a CSV file of any common encoding and delimiter, row by row, without loading it whole."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban.text import has_unstorable, remove_unstorable
from kanban.utf8 import is_mostly_utf8

SAMPLE_BYTES = 64 * 1024
STRAY_BYTE = re.compile("[\udc80-\udcff]")  # a byte not in the encoding, as read
DELIMITERS = (",", ";", "\t", "|")
ENCODINGS = {  # the encodings a person may choose, in the reader's words
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": _l("Windows-1252 (Western Europe)"),
    "latin-1": "Latin-1 (ISO-8859-1)",
    "cp1251": _l("Windows-1251 (Cyrillic)"),
    "koi8-r": _l("KOI8-R (Cyrillic)"),
}
# What a prospect list saved by a spreadsheet here is likely to be in, besides UTF-8/16.
LEGACY_ENCODINGS = ["cp1252", "cp1251", "koi8_r", "iso8859_15", "latin_1"]
# How another program's file saved under a .csv name starts: a .xlsx (a ZIP), an old .xls
# (an OLE2 compound file), a PDF, an image, a gzip archive.
BINARY_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF-", b"\x89PNG", b"\xff\xd8\xff",
                     b"GIF8", b"\x1f\x8b")
TEXT_BYTES = bytes(range(0x20, 0x100)) + b"\t\n\r\x0c"
# UTF-16 without a byte-order mark: at least this share of the code units has a NUL on
# one side (an ASCII character), and at most this share on the other (U+0100, U+0400...).
UTF16_NULS = 0.25
UTF16_STRAY_NULS = 0.01
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class CsvProblem(Exception):
    """The file cannot be read as a table; ``message`` says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """An opened CSV file: how it is read, its header, and its data rows on demand."""

    path: Path
    encoding: str
    delimiter: str
    header: list[str]
    header_row: int = 1
    preview: list[list[str]] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (row number, cells) for every data row, numbered as a spreadsheet shows
        the file (its first record, the header, is row 1; each record is one row however
        many lines its quoted cells take, a blank line an empty row), skipping blank rows.
        A byte that is not in the file's encoding raises CsvProblem naming its line and
        character in the file."""
        for row, cells in self._records():
            # Cells come from other programs: invisible characters are dropped so the
            # row is not lost over them (looked for in the whole row first: rarely there).
            if has_unstorable(text := "".join(cells)):
                if STRAY_BYTE.search(text) is not None:
                    raise undecodable(self.path, self.encoding)
                cells = remove_unstorable(cells)
            yield row, cells

    def width(self) -> int:
        """The most cells a data row has (0: no rows), in a pass lighter than ``rows``."""
        return max((len(cells) for _row, cells in self._records()), default=0)

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells as read) of every data row, or CsvProblem after the rows
        before it. A byte that is not in the encoding comes as a lone surrogate (``rows``
        says where it is)."""
        with self.path.open(encoding=self.encoding, newline="",
                            errors="surrogateescape") as stream:
            reader = csv.reader(stream, delimiter=self.delimiter)
            # The row read last, with the lines it starts and ends on: it may hold a
            # runaway quote.
            held: tuple[int, list[str]] | None = None
            held_lines = (1, 1)
            starts = 1  # the line the row being read starts on
            row = 0  # rows as a spreadsheet numbers them: one a record, blank ones too
            try:
                seen_header = False
                for cells in reader:
                    row += 1
                    started, starts = starts, reader.line_num + 1
                    if not any(cell.strip() for cell in cells):
                        continue
                    if not seen_header:
                        seen_header = True
                        continue
                    if held is not None:
                        yield held
                    held, held_lines = (row, cells), (started, reader.line_num)
            except csv.Error as exc:
                if held is not None:
                    yield held
                raise unreadable_row(exc, row + 1) from None
            except UnicodeDecodeError:
                raise undecodable(self.path, self.encoding) from None
        if held is not None:
            started, ended = held_lines
            if ended > started and self._quote_left_open(started):
                raise CsvProblem(_(
                    "Row %(row)d opens a quote that is never closed: the rest of the file "
                    "would be one cell. Check the quotes in that row.", row=held[0]))
            yield held

    def _quote_left_open(self, line: int) -> bool:
        """Tell whether the row starting on ``line`` (the last, over several lines) ends
        inside a quote: the csv module reads such a row to the end of the file."""
        with self.path.open(encoding=self.encoding, newline="",
                            errors="surrogateescape") as stream:
            rest = itertools.islice(stream, line - 1, None)
            try:
                for _cells in csv.reader(rest, delimiter=self.delimiter, strict=True):
                    pass
            except csv.Error as exc:
                return "unexpected end of data" in str(exc)
        return False


def open_table(path: Path, encoding: str | None = None, delimiter: str | None = None) -> Table:
    """Detect the encoding and delimiter, read the header and a few rows, or raise CsvProblem."""
    with path.open("rb") as stream:
        sample = stream.read(SAMPLE_BYTES)
        complete = not stream.read(1)
    if not sample.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise CsvProblem(_("The file is empty."))
    if holds_binary(sample, encoding):  # before any encoding is tried on it
        raise binary_data()
    encoding = encoding or detect_encoding(sample)
    text = decode_sample(sample, encoding, complete)
    if looks_binary(text):
        raise binary_data()
    delimiter = delimiter or sniff_delimiter(text)
    table = Table(path=path, encoding=encoding, delimiter=delimiter, header=[])
    header: list[str] | None = None
    try:
        with path.open(encoding=encoding, newline="") as stream:
            row = 0  # as in Table._records
            for cells in csv.reader(stream, delimiter=delimiter):
                row += 1
                if not any(cell.strip() for cell in cells):
                    continue
                cells = remove_unstorable(cells)
                if header is None:
                    header = cells
                    table.header_row = row
                    continue
                table.preview.append(cells)
                if len(table.preview) == 5:
                    break
    except csv.Error as exc:
        raise unreadable_row(exc, row + 1) from None
    except UnicodeDecodeError:
        raise undecodable(path, encoding) from None
    if header is None:
        raise CsvProblem(_("The file is empty."))
    table.header = clean_header(header)
    if not table.preview:
        raise CsvProblem(_("The file has a header row but no rows of data."))
    return table


def encoding_label(encoding: str) -> str:
    """The name of an encoding as the list of choices gives it ("cp1251", "windows-1251"
    -> "Windows-1251 (Cyrillic)"), or the encoding's own name in capitals."""
    try:
        wanted = codecs.lookup(encoding).name
    except LookupError:
        return encoding.upper()
    if wanted == "utf-8-sig":
        wanted = "utf-8"
    elif wanted in ("utf-16-le", "utf-16-be"):  # UTF-16 read without its byte-order mark
        wanted = "utf-16"
    for key, label in ENCODINGS.items():
        if codecs.lookup(key).name == wanted:
            return str(label)
    return wanted.upper()


def unreadable_row(problem: csv.Error, row: int) -> CsvProblem:
    """What to tell about a row the csv module could not read, numbered as a spreadsheet
    numbers it."""
    if "field limit" in str(problem):
        return CsvProblem(_(
            "Row %(row)d has a cell of more than %(limit)s characters, longer than any "
            "field of a lead: check the quotes in that row, or shorten that cell.",
            row=row, limit=format_number(csv.field_size_limit())))
    return CsvProblem(
        _("Row %(row)d cannot be read (%(error)s). Check the quotes in that row.",
          row=row, error=str(problem)))


def detect_encoding(sample: bytes) -> str:
    """Name the sample's encoding: a BOM first, then UTF-8, then charset-normalizer's guess."""
    for bom, name in BOMS:
        if sample.startswith(bom):
            return name
    if (name := utf16_without_bom(sample)) is not None:
        return name
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        if is_mostly_utf8(sample):
            return "utf-8"  # with a stray byte or two, which reading names by line
    from charset_normalizer import from_bytes  # only a file in an unknown encoding needs it

    matches = from_bytes(sample, cp_isolation=LEGACY_ENCODINGS)
    best = matches.best()
    if best is None:
        tried = [encoding_label(name) for name in ("utf-8", "utf-16", *LEGACY_ENCODINGS)]
        raise CsvProblem(_(
            "This is not a CSV file, or it is in an encoding we do not read (we tried "
            "%(tried)s). Save the sheet as CSV (UTF-8) from your spreadsheet and try again.",
            tried=", ".join(tried)))
    return best.encoding.replace("_", "-")


def decode_sample(sample: bytes, encoding: str, complete: bool) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except LookupError:
        raise CsvProblem(_("Unknown encoding %(name)s.", name=encoding)) from None
    except UnicodeDecodeError as exc:
        raise undecodable_at(sample, exc, encoding) from None
    except UnicodeError:  # such as UTF-16 chosen for a file without its byte-order mark
        raise CsvProblem(_("The file is not in %(encoding)s. Choose its encoding and try "
                           "again.", encoding=encoding_label(encoding))) from None


def undecodable(path: Path, encoding: str) -> CsvProblem:
    """Say where the first byte that is not in ``encoding`` is, whatever its offset."""
    decoder = codecs.getincrementaldecoder(encoding)()
    read = ""  # the decoded text of the current line so far, and the lines before it
    lines = 1
    with path.open("rb") as stream:
        while chunk := stream.read(SAMPLE_BYTES):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return undecodable_at(exc.object, exc, encoding, lines, read)
            lines += text.count("\n")
            read = text[text.rfind("\n") + 1:] if "\n" in text else read + text
    return CsvProblem(_("The file is not in %(encoding)s. Choose its encoding and try again.",
                        encoding=encoding_label(encoding)))


def undecodable_at(data: bytes, exc: UnicodeDecodeError, encoding: str, lines: int = 1,
                   line_so_far: str = "") -> CsvProblem:
    before = data[:exc.start].decode(encoding, errors="replace")
    line = lines + before.count("\n")
    column = len(before[before.rfind("\n") + 1:] if "\n" in before else line_so_far + before) + 1
    return byte_problem(line, column, data[exc.start], encoding)


def byte_problem(line: int, column: int, byte: int, encoding: str) -> CsvProblem:
    """Say that a byte of the file is not in its encoding, and where: by the file's lines,
    as a text editor counts them (a spreadsheet would not show the byte)."""
    return CsvProblem(_(
        "Line %(line)d, character %(column)d of the file (as a text editor counts them, "
        "not spreadsheet rows) holds a byte (%(byte)s) that is not %(encoding)s. Choose "
        "the file's encoding and try again, or correct that line in a text editor.",
        line=line, column=column, byte=f"0x{byte:02X}", encoding=encoding_label(encoding)))


def binary_data() -> CsvProblem:
    """What to tell about a file that is not text (a spreadsheet saved as .xlsx, an image)."""
    return CsvProblem(_("This is not a CSV file: it holds binary data. Save the sheet as CSV "
                        "from your spreadsheet and upload that file."))


def holds_binary(sample: bytes, encoding: str | None) -> bool:
    """Tell from a file's first bytes whether it is another program's file (a .xlsx, an
    old .xls) or other binary data rather than text, before any encoding is tried."""
    if sample.startswith(BINARY_SIGNATURES):
        return True
    if (encoding is not None or sample.startswith(tuple(bom for bom, _name in BOMS))
            or utf16_without_bom(sample) is not None):
        return False  # text in UTF-16 is half NUL bytes: its decoded text tells (looks_binary)
    controls = len(sample.translate(None, TEXT_BYTES))
    return controls > max(16, len(sample) // 50)


def utf16_without_bom(sample: bytes) -> str | None:
    """Name the byte order of UTF-16 text saved without its byte-order mark ("utf-16-le",
    "utf-16-be"), else None.

    The digits, separators, line ends and Latin letters a table is mostly made of are one
    byte and a NUL each in UTF-16: such text has a NUL for many of its every other bytes,
    always on the same side (each letter of another script, such as Cyrillic, has a byte
    of its own there instead). Binary data has its NULs anywhere; what is taken for text
    here is still checked once decoded (``looks_binary``)."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0:pairs * 2:2].count(0), sample[1:pairs * 2:2].count(0)
    for nuls, others, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls >= pairs * UTF16_NULS and others <= pairs * UTF16_STRAY_NULS:
            return name
    return None


def looks_binary(text: str) -> bool:
    """Tell whether decoded text is mostly control characters (an image, a zip, a .xlsx)."""
    if text.startswith("PK\x03\x04") or "\x00\x00" in text:
        return True
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
    return controls > max(16, len(text) // 50)


def sniff_delimiter(text: str) -> str:
    """Guess the delimiter with csv.Sniffer, checked against how evenly it splits the lines."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end in the middle of a line
    sample = "\n".join(lines)
    candidates: list[str] = []
    with contextlib.suppress(csv.Error):
        candidates.append(csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter)
    candidates += [d for d in DELIMITERS if d not in candidates]
    best, best_score = ",", 0
    for delimiter in candidates:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = sum(1 for r in rows if len(r) == width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def clean_header(header: list[str]) -> list[str]:
    """Name blank header cells and tell repeated names apart."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(header, start=1):
        name = raw.replace("\ufeff", "").strip() or _("Column %(number)d", number=index)
        count = seen.get(name.lower(), 0) + 1
        seen[name.lower()] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return names


def estimated_rows(path: Path) -> int:
    """About how many rows of data a stored file has (its lines but the header), for a
    progress bar."""
    lines, last = 0, b"\n"
    try:
        with path.open("rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 1
    return max(1, lines + (last != b"\n") - 1)
