"""Charset labels as senders write them, mapped to Python codecs in one place.

The labels are read as the WHATWG Encoding Standard reads them (``webencodings``), which
is what browsers and mail clients do: ``iso-8859-8-i`` is Hebrew, ``windows-874`` Thai,
``x-sjis`` Japanese, ``ks_c_5601-1987`` Korean, ``iso-8859-1`` Windows-1252. Before
that, the damage senders do to labels is undone (quotes, a trailing ``;``, a ``3D`` left
by quoted-printable, ``cp-1252``, ``win-1251``, an ``x-`` prefix). A label that names no
encoding gives None: the caller then looks at the bytes instead of trusting it.
"""

from __future__ import annotations

import codecs
import re

import webencodings

from kanban.utf8 import is_mostly_utf8

# Labels whose Python codec is kept: the standard maps ASCII to Windows-1252, which
# would hide UTF-8 declared as ASCII; it leaves out UTF-7, which mail still uses.
PYTHON_FIRST = {"ascii", "utf-7", "utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32"}
_PREFIXED_NUMBER = re.compile(r"^(cp|win|windows|iso|ibm)[-_ ]*(8859)?[-_ ]*(\d+)$")
# What a raw header falls back to: the code page most mail programs wrote raw bytes in.
RAW_HEADER_FALLBACK = "cp1252"


def codec_for(label: str | None) -> str | None:
    """Return the Python codec name for a charset label, or None when it names none."""
    for candidate in _readings(label or ""):
        try:
            python = codecs.lookup(candidate).name
        except LookupError:
            python = None
        if python in PYTHON_FIRST:
            return python
        standard = webencodings.lookup(candidate)
        if standard is not None:
            return standard.codec_info.name
        if python is not None:
            return python
    return None


def decode_raw_header(data: bytes, declared: str = "") -> str:
    """Decode a header's bytes sent raw (no label of their own): as UTF-8, else in the
    charset the message's text declares (a sender's mail program writes both in its own
    code page), else as UTF-8 with "\ufffd" for a stray byte among UTF-8 letters, else as
    Windows-1252. Never guessed: a header's few bytes fit a two-byte charset (UTF-16,
    Korean) as well as any ("\xb4!" would read as one Korean syllable)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    codec = codec_for(declared)
    if codec is not None and writes_ascii_as_ascii(codec):
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError, ValueError):
            pass
    if is_mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    return data.decode(RAW_HEADER_FALLBACK, errors="replace")


def writes_ascii_as_ascii(codec: str) -> bool:
    """Tell whether a codec writes ASCII text as ASCII bytes, as a header's raw bytes are
    (UTF-16 and UTF-32 do not: a body may be in them, a header never)."""
    plain = "Subject: Re: offer 42"
    try:
        return plain.encode(codec) == plain.encode("ascii")
    except (LookupError, UnicodeError):
        return False


def _readings(label: str) -> list[str]:
    """The label, then the label with the usual damage undone."""
    cleaned = label.strip().strip("\"'").strip().rstrip(";,.").strip().lower()
    if cleaned.startswith("3d"):  # "=3D" of quoted-printable left in front of the value
        cleaned = cleaned[2:].strip("\"'")
    readings = [cleaned]
    bare = cleaned[2:] if cleaned.startswith("x-") else cleaned
    readings.append(bare)
    readings.append(re.sub(r"^latin[-_ ]+(\d+)$", r"latin\1", bare))  # "latin-9"
    numbered = _PREFIXED_NUMBER.match(bare)
    if numbered:
        prefix, iso, number = numbered.groups()
        if iso or prefix == "iso":
            readings.append(f"iso-8859-{number}" if iso else f"iso-{number}")
        elif prefix in ("win", "windows"):
            readings.append(f"windows-{number}")
        else:
            readings.append(f"{prefix}{number}")
    return [reading for reading in dict.fromkeys(readings) if reading]
