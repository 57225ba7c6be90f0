"""Telling UTF-8 text with a stray byte or two from text in another encoding."""

from __future__ import annotations


def is_mostly_utf8(data: bytes) -> bool:
    """Tell whether bytes that are not all UTF-8 are UTF-8 text with a few stray bytes (a
    cell or a name pasted from another program): they hold at least as many UTF-8 letters
    as broken bytes. Text in a one-byte encoding seldom forms a UTF-8 letter by chance."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    letters = sum(1 for character in text if character > "\x7f") - broken
    return letters > 0 and letters >= broken
