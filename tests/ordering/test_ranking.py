"""Rank keys: arithmetic in Python, and the same order in the databases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from kanban.extensions import db
from kanban.models import Lead
from kanban.ranking import (
    MAX_RANK_LENGTH,
    InvalidRank,
    evenly_spaced,
    needs_rebalance,
    rank_between,
)
from tests.factories import LeadFactory, StageFactory


@pytest.mark.parametrize(
    ("lower", "upper"),
    [("a0", "a1"), ("a0", "a0V"), ("Zz", "a0"), ("a0V", "a1"), ("a1", "b00"), ("Zy", "Zz")],
)
def test_key_between_two_keys_sorts_strictly_between_them(lower, upper):
    key = rank_between(lower, upper)
    assert lower < key < upper


def test_key_before_the_top_sorts_first():
    assert rank_between(None, "a0") < "a0"


def test_key_after_the_bottom_sorts_last():
    assert rank_between("a0", None) > "a0"


def test_key_in_an_empty_column_is_short():
    assert len(rank_between(None, None)) <= 2


def test_key_between_equal_or_reversed_keys_is_refused():
    with pytest.raises(InvalidRank):
        rank_between("a1", "a1")
    with pytest.raises(InvalidRank):
        rank_between("a2", "a1")


def test_key_next_to_a_key_outside_the_alphabet_is_refused():
    with pytest.raises(InvalidRank):
        rank_between("~7", None)


def test_many_cards_dropped_in_the_same_gap_keep_order_and_grow_slowly():
    lower, upper = "a0", "a1"
    keys = [lower, upper]
    for _ in range(300):
        # Always just below the card dropped last: the worst case for key length.
        upper = rank_between(lower, upper)
        keys.append(upper)
    assert sorted(keys) == sorted(set(keys))
    assert all(lower < key for key in keys[2:])
    assert max(len(key) for key in keys) <= 60


def test_cards_dropped_at_the_top_again_and_again_keep_short_keys():
    top = "a0"
    for _ in range(1000):
        new = rank_between(None, top)
        assert new < top
        top = new
    assert len(top) <= 4


def test_rebalance_starts_only_past_the_length_limit():
    assert not needs_rebalance("a" * MAX_RANK_LENGTH)
    assert needs_rebalance("a" * (MAX_RANK_LENGTH + 1))


def test_hammering_one_gap_eventually_asks_for_a_rebalance():
    lower, upper = "a0", "a1"
    for _ in range(2000):
        upper = rank_between(lower, upper)
        if needs_rebalance(upper):
            return
    pytest.fail("keys never grew past the limit")


@pytest.mark.parametrize("count", [0, 1, 2, 61, 62, 63, 4000])
def test_evenly_spaced_keys_are_sorted_distinct_and_short(count):
    keys = evenly_spaced(count)
    assert len(keys) == count
    assert keys == sorted(keys)
    assert len(set(keys)) == count
    assert all(not needs_rebalance(key) for key in keys)


def test_evenly_spaced_keys_for_ten_thousand_cards_are_at_most_four_characters():
    assert max(len(key) for key in evenly_spaced(10_000)) <= 4


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=120))
def test_random_insertions_keep_the_column_sorted(positions):
    column: list[str] = []
    for wanted in positions:
        index = wanted % (len(column) + 1)
        lower = column[index - 1] if index > 0 else None
        upper = column[index] if index < len(column) else None
        key = rank_between(lower, upper)
        column.insert(index, key)
        assert column == sorted(column)
    assert len(set(column)) == len(column)


MIXED_CASE_KEYS = [
    "a0", "Zz", "a0V", "a0v", "a1", "Zy", "b00", "a0V0V", "a0Vz", "ZzV", "A" + "0" * 25 + "1",
]


def test_keys_sort_the_same_in_the_database_as_in_python(app):
    stage = StageFactory()
    for key in MIXED_CASE_KEYS:
        LeadFactory(stage=stage, rank=key)
    stored = list(
        db.session.scalars(select(Lead.rank).where(Lead.stage_id == stage.id).order_by(Lead.rank))
    )
    assert stored == sorted(MIXED_CASE_KEYS)


def test_keys_compare_the_same_in_the_database_as_in_python(app):
    stage = StageFactory()
    for key in MIXED_CASE_KEYS:
        LeadFactory(stage=stage, rank=key)
    below_a0v = set(
        db.session.scalars(
            select(Lead.rank).where(Lead.stage_id == stage.id, Lead.rank < "a0V")
        )
    )
    assert below_a0v == {key for key in MIXED_CASE_KEYS if key < "a0V"}


def test_rank_column_compares_bytes_whatever_the_server_locale(app, backend):
    # A server whose default locale sorts "a0" before "Zz" must not change the board.
    if backend == "postgresql":
        collation = db.session.scalar(
            text(
                "SELECT collation_name FROM information_schema.columns "
                "WHERE table_name = 'leads' AND column_name = 'rank'"
            )
        )
        assert collation == "C"
    else:
        table_sql = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'leads'"))
        rank_definition = next(
            line for line in table_sql.splitlines() if line.strip().startswith("rank ")
        )
        assert "COLLATE" not in rank_definition.upper()  # SQLite's default BINARY order
