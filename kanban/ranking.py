"""Rank keys: strings whose byte order is the order of cards in a column.

A card dropped between two others gets a key between theirs, so a move writes one
row whatever the column's size. Keys grow slowly when cards keep landing in the
same gap; past ``MAX_RANK_LENGTH`` the column is given fresh, evenly spaced keys.
Keys use the digits 0-9, A-Z, a-z only, so byte order (SQLite's BINARY collation,
PostgreSQL's "C" collation) and Python's string order agree.
"""

from __future__ import annotations

from fractional_indexing import FIError, generate_key_between, generate_n_keys_between

MAX_RANK_LENGTH = 64


class InvalidRank(ValueError):
    """A key that is not a rank key (written by hand or by an old version)."""


def rank_between(lower: str | None, upper: str | None) -> str:
    """Return a key that sorts after ``lower`` and before ``upper`` (None: open end)."""
    try:
        return generate_key_between(lower, upper)
    except FIError as exc:
        raise InvalidRank(str(exc)) from None


def evenly_spaced(count: int) -> list[str]:
    """Return ``count`` short keys in ascending order, for a fresh column."""
    return generate_n_keys_between(None, None, count)


def needs_rebalance(key: str) -> bool:
    """Tell whether a key has grown long enough to give the column fresh keys."""
    return len(key) > MAX_RANK_LENGTH
