"""Text as search compares it: the same for every script, case and accent.

SQLite's LIKE and lower() fold ASCII letters only, PostgreSQL's follow its collation;
so searched text is folded here, in Python, once when it is written (the
``search_text`` columns) and once for what a person types, and the databases compare
the two with a plain LIKE: both answer the same.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

WORDS_KEPT = 1024  # folded words kept: names and towns come back all the time
LONG_WORD = 40  # longer words are folded each time, not kept


def fold(text: str) -> str:
    """Return ``text`` folded for search: no case, no accents, single spaces.

    "Ñandú" is "nandu", "ВОЛГА" and "Волга" are "волга", "ё" is "е", "Straße" is
    "strasse", "ΑΘΗΝΑ" is "αθηνα".
    """
    if text.isascii():  # most text: no accents to strip, and casefold() is lower()
        return " ".join(text.lower().split())
    # Word by word: no step below joins or reorders characters across a space.
    words = [word.lower() if word.isascii() else
             _fold_word(word) if len(word) <= LONG_WORD else fold_text(word)
             for word in text.split()]
    return " ".join(" ".join(words).split())


@lru_cache(maxsize=WORDS_KEPT)
def _fold_word(word: str) -> str:
    return fold_text(word)


def fold_text(text: str) -> str:
    """``fold`` of a whole text at once: the rule itself."""
    # Compatibility forms decompose to letters that may still have a case ("ℌ" is "H").
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.split())


def fold_fields(*values: str | None) -> str:
    """Return the values folded, one per line: a search term (which holds no line break
    once folded) then matches within one value, never across two."""
    return "\n".join(fold(value or "") for value in values)
