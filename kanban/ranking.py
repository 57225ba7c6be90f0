"""Rank keys: strings whose byte order is the order of cards in a column.

A card dropped between two others gets a key between theirs, so a move writes one
row whatever the column's size. Keys grow slowly when cards keep landing in the
same gap; past ``MAX_RANK_LENGTH`` the column is given fresh, evenly spaced keys.
"""

from __future__ import annotations

from fractional_indexing import generate_key_between, generate_n_keys_between

MAX_RANK_LENGTH = 64


def rank_between(lower: str | None, upper: str | None) -> str:
    """Return a key that sorts after ``lower`` and before ``upper`` (None: open end)."""
    return generate_key_between(lower, upper)


def evenly_spaced(count: int) -> list[str]:
    """Return ``count`` short keys in ascending order, for a fresh column."""
    return generate_n_keys_between(None, None, count)


def needs_rebalance(key: str) -> bool:
    return len(key) > MAX_RANK_LENGTH
