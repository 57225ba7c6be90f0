"""Form bodies read in the code page they were written in.

A page served in ISO-8859-1 or Windows-1252 (a company's older website posting to a hosted
web form, say) sends its form in that code page. Werkzeug reads every form as UTF-8 and
turns the bytes it cannot read into escapes ("Jos%E9"), which would be stored as such.
Here a url-encoded body that is not UTF-8 is read again in the charset its Content-Type
names, or in Windows-1252 when it names none (what browsers send for such pages). A "%" a
visitor typed ("50%Descuento") is always kept as typed.
"""

from __future__ import annotations

import codecs
from typing import IO, Any
from urllib.parse import parse_qsl

from werkzeug.formparser import FormDataParser

PAGES_CODE_PAGE = "cp1252"


class CodePageFormParser(FormDataParser):
    """Werkzeug's form parser, reading url-encoded bodies in their own code page."""

    def _parse_urlencoded(self, stream: IO[bytes], mimetype: str, content_length: int | None,
                          options: dict[str, str]) -> Any:
        body = stream.read()
        try:
            items = parse_qsl(body.decode(), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            charset = _code_page(options.get("charset", ""))
            items = parse_qsl(body.decode(charset, "replace"), keep_blank_values=True,
                              encoding=charset, errors="werkzeug.url_quote")
        return stream, self.cls(items), self.cls()


def _code_page(charset: str) -> str:
    """The code page a body that is not UTF-8 was written in."""
    name = charset.strip().lower()
    if name in ("", "utf-8", "utf8"):
        return PAGES_CODE_PAGE
    try:
        return codecs.lookup(name).name
    except LookupError:
        return PAGES_CODE_PAGE
