"""Spreadsheets as Excel saves them, for the imports that must refuse them plainly: a
.xlsx is a ZIP of XML files, an old .xls an OLE2 compound file of BIFF records."""

from __future__ import annotations

import io
import struct
import zipfile

ROWS = [f"Padaria {number}" for number in range(1, 300)]


def xlsx_file() -> bytes:
    """A small workbook in the .xlsx format: one sheet of company names."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns='
                      '"http://schemas.openxmlformats.org/package/2006/content-types"/>')
        cells = "".join(f'<row r="{n}"><c t="inlineStr"><is><t>{name}</t></is></c></row>'
                        for n, name in enumerate(ROWS, start=1))
        book.writestr("xl/worksheets/sheet1.xml",
                      f"<worksheet><sheetData>{cells}</sheetData></worksheet>")
    return out.getvalue()


def xls_file() -> bytes:
    """A small workbook in the old .xls format: its header, allocation table, directory
    and one label record per row."""
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6) + bytes(10)
              + struct.pack("<8I", 1, 1, 0, 0x1000, 2, 1, 0xFFFFFFFE, 0))
    header += b"\xff" * (512 - len(header))
    table = struct.pack("<4I", 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE, 0xFFFFFFFE)
    table += b"\xff" * (512 - len(table))
    directory = "Root Entry".encode("utf-16-le").ljust(512, b"\0")
    labels = b"".join(struct.pack("<5H", 0x0204, 8 + len(name), row, 0, 15)
                      + struct.pack("<H", len(name)) + name.encode()
                      for row, name in enumerate(ROWS))
    return header + table + directory + labels
