"""A drag writes the moved lead, its event for open boards (and one timeline entry across
stages), whatever the column size."""

from __future__ import annotations

import pytest
from sqlalchemy import event, insert, select, update

from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.ranking import evenly_spaced
from kanban.services.leads import move_lead
from kanban.services.ordering import column_order
from tests.factories import PipelineFactory


def fill(stage_id: int, count: int) -> list[int]:
    """Put ``count`` leads in a stage in one statement; return their ids top to bottom."""
    db.session.execute(
        insert(Lead),
        [
            {"title": f"Lead {n}", "stage_id": stage_id, "rank": key}
            for n, key in enumerate(evenly_spaced(count))
        ],
    )
    db.session.commit()
    return column_order(stage_id)


@pytest.fixture
def writes(app):
    """The tables written by each INSERT, UPDATE and DELETE, one entry per row sent."""
    written: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        words = statement.split()
        verb = words[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            table = words[2] if verb != "UPDATE" else words[1]
            rows = len(parameters) if executemany else 1
            written.extend([f"{verb} {table.strip(chr(34))}"] * rows)

    event.listen(db.engine, "before_cursor_execute", record)
    yield written
    event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def columns(app):
    """A column of 10 cards and one of 500, each with an empty stage beside it."""
    small = PipelineFactory(stages=["New", "Contacted"])
    large = PipelineFactory(stages=["New", "Contacted"])
    return {
        10: (small.stages[0].id, small.stages[1].id, fill(small.stages[0].id, 10)),
        500: (large.stages[0].id, large.stages[1].id, fill(large.stages[0].id, 500)),
    }


def drag(writes, ids, stage_id, lead_id, **neighbours) -> list[str]:
    version = db.session.scalar(select(Lead.version).where(Lead.id == lead_id))
    db.session.rollback()
    writes.clear()
    move_lead(lead_id, stage_id=stage_id, version=version, user=None, **neighbours)
    return sorted(writes)


MOVE_ONE_LEAD = ["INSERT lead_events", "UPDATE leads"]
MOVE_ONE_LEAD_TO_ANOTHER_STAGE = ["INSERT activities", "INSERT lead_events", "UPDATE leads"]


def test_drag_within_a_column_writes_only_the_moved_lead_in_any_column_size(writes, columns):
    for stage_id, _other, ids in columns.values():
        middle = len(ids) // 2
        assert drag(writes, ids, stage_id, ids[-1], after_id=ids[middle]) == MOVE_ONE_LEAD
        assert drag(writes, ids, stage_id, ids[1], before_id=ids[0]) == MOVE_ONE_LEAD
        assert drag(writes, ids, stage_id, ids[0], after_id=ids[3], before_id=ids[4]) == (
            MOVE_ONE_LEAD
        )
        assert drag(writes, ids, stage_id, ids[2]) == MOVE_ONE_LEAD


def test_drag_to_another_stage_writes_the_lead_and_one_timeline_entry(writes, columns):
    for stage_id, other_id, ids in columns.values():
        written = drag(writes, ids, other_id, ids[len(ids) // 2])
        assert written == MOVE_ONE_LEAD_TO_ANOTHER_STAGE
        back = drag(writes, ids, stage_id, ids[len(ids) // 2], after_id=ids[0])
        assert back == MOVE_ONE_LEAD_TO_ANOTHER_STAGE


def test_drag_writes_the_same_rows_for_10_and_500_cards(writes, columns):
    written = {}
    for size, (stage_id, other_id, ids) in columns.items():
        written[size] = [
            drag(writes, ids, stage_id, ids[5], after_id=ids[7]),
            drag(writes, ids, other_id, ids[6]),
            drag(writes, ids, stage_id, ids[6], before_id=ids[1]),
        ]
    assert written[10] == written[500]


def test_drag_leaves_the_other_cards_versions_and_ranks_alone(columns):
    stage_id, _other, ids = columns[10]
    before = db.session.execute(select(Lead.id, Lead.rank, Lead.version)).all()
    move_lead(ids[9], stage_id=stage_id, version=1, user=None, after_id=ids[0])
    after = db.session.execute(select(Lead.id, Lead.rank, Lead.version)).all()
    changed = set(after) - set(before)
    assert [row.id for row in changed] == [ids[9]]


def test_drag_to_another_stage_adds_a_stage_change_to_the_timeline(columns):
    stage_id, other_id, ids = columns[10]
    move_lead(ids[0], stage_id=other_id, version=1, user=None)
    entries = db.session.scalars(select(Activity).where(Activity.lead_id == ids[0])).all()
    assert [(e.payload["from_stage_id"], e.payload["to_stage_id"]) for e in entries] == [
        (stage_id, other_id)
    ]


# ---------------------------------------------------------------------------
# kanban repair-ranks
# ---------------------------------------------------------------------------

BROKEN_KEYS = ["!first", "A", "a0" + "V" * 200, "zz", "~~last"]


def break_keys(ids: list[int], keys: list[str]) -> None:
    for lead_id, key in zip(ids, keys, strict=True):
        db.session.execute(update(Lead.__table__).where(Lead.id == lead_id).values(rank=key))
    db.session.commit()


def keys_of(stage_id: int) -> list[str]:
    return list(
        db.session.scalars(select(Lead.rank).where(Lead.stage_id == stage_id).order_by(Lead.rank))
    )


def test_repair_ranks_gives_short_distinct_keys_and_keeps_the_order(runner, app):
    pipeline = PipelineFactory(stages=["New", "Contacted"])
    stage_id = pipeline.stages[0].id
    ids = fill(stage_id, len(BROKEN_KEYS))
    break_keys(ids, BROKEN_KEYS)

    result = runner.invoke(args=["repair-ranks"])

    assert result.exit_code == 0, result.output
    assert "Repaired" in result.output
    db.session.rollback()
    assert column_order(stage_id) == ids
    keys = keys_of(stage_id)
    assert keys == evenly_spaced(len(ids))
    assert all(len(key) <= 2 for key in keys)


def test_repair_ranks_of_one_stage_leaves_the_others_as_they_are(runner, app):
    pipeline = PipelineFactory(stages=["New", "Contacted"])
    first, second = (stage.id for stage in pipeline.stages)
    break_keys(fill(first, 5), BROKEN_KEYS)
    break_keys(fill(second, 5), BROKEN_KEYS)

    result = runner.invoke(args=["repair-ranks", "--stage", str(first)])

    assert result.exit_code == 0, result.output
    assert "Repaired 1 column." in result.output
    db.session.rollback()
    assert keys_of(first) == evenly_spaced(5)
    assert keys_of(second) == sorted(BROKEN_KEYS)


def test_repair_ranks_refuses_a_stage_that_is_not_a_number(runner, app):
    result = runner.invoke(args=["repair-ranks", "--stage", "proposal"])
    assert result.exit_code != 0
    assert "proposal" in result.output


def test_drag_into_a_column_with_broken_keys_lands_where_asked(app):
    pipeline = PipelineFactory(stages=["New"])
    stage_id = pipeline.stages[0].id
    ids = fill(stage_id, len(BROKEN_KEYS))
    break_keys(ids, BROKEN_KEYS)

    move_lead(ids[4], stage_id=stage_id, version=1, user=None, after_id=ids[1])

    assert column_order(stage_id) == [ids[0], ids[1], ids[4], ids[2], ids[3]]
    assert all(len(key) <= 2 for key in keys_of(stage_id))


def test_a_card_dropped_where_it_was_writes_nothing_and_keeps_its_version(writes, columns):
    stage_id, _other, ids = columns[10]
    assert drag(writes, ids, stage_id, ids[3], after_id=ids[2], before_id=ids[4]) == []
    assert drag(writes, ids, stage_id, ids[0], before_id=ids[1]) == []
    assert drag(writes, ids, stage_id, ids[-1]) == []
    assert db.session.scalar(select(Lead.version).where(Lead.id == ids[3])) == 1
    assert column_order(stage_id) == ids


def test_a_card_dropped_one_place_lower_is_written(writes, columns):
    stage_id, _other, ids = columns[10]
    assert drag(writes, ids, stage_id, ids[3], after_id=ids[4]) == MOVE_ONE_LEAD
    assert column_order(stage_id) == [*ids[:3], ids[4], ids[3], *ids[5:]]
