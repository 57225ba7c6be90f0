"""A column whose keys grew too long gets fresh keys, and the drag still lands where asked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kanban import ranking
from kanban.extensions import db
from kanban.models import Lead, Stage
from kanban.services.leads import create_lead, move_lead
from kanban.services.ordering import column_order
from tests.factories import PipelineFactory
from tests.ordering.test_move_writes import fill


@pytest.fixture
def short_keys(monkeypatch):
    """Keys of two characters at most: every drop between two cards rebalances."""
    monkeypatch.setattr(ranking, "MAX_RANK_LENGTH", 2)


def keys_of(stage_id: int) -> list[str]:
    return list(
        db.session.scalars(select(Lead.rank).where(Lead.stage_id == stage_id).order_by(Lead.rank))
    )


def test_rebalance_within_a_column_puts_the_card_right_below_its_neighbour(app, short_keys):
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    ids = fill(stage_id, 6)

    move_lead(ids[5], stage_id=stage_id, version=1, user=None, after_id=ids[0])
    move_lead(ids[2], stage_id=stage_id, version=1, user=None, after_id=ids[0])

    assert column_order(stage_id) == [ids[0], ids[2], ids[5], ids[1], ids[3], ids[4]]
    assert keys_of(stage_id) == ranking.evenly_spaced(6)


def test_rebalance_keeps_the_other_cards_versions(app, short_keys):
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    ids = fill(stage_id, 4)

    move_lead(ids[3], stage_id=stage_id, version=1, user=None, before_id=ids[1])

    versions = dict(db.session.execute(select(Lead.id, Lead.version)).all())
    assert versions == {ids[0]: 1, ids[1]: 1, ids[2]: 1, ids[3]: 2}


def test_rebalance_when_a_card_comes_from_another_stage(app, short_keys):
    pipeline = PipelineFactory(stages=["New", "Contacted"])
    first, second = (stage.id for stage in pipeline.stages)
    ids = fill(first, 3)
    others = fill(second, 3)

    move_lead(others[1], stage_id=first, version=1, user=None, after_id=ids[0])

    assert column_order(first) == [ids[0], others[1], ids[1], ids[2]]
    assert column_order(second) == [others[0], others[2]]
    assert keys_of(first) == ranking.evenly_spaced(4)


def test_new_lead_at_the_top_of_a_full_column_rebalances_and_stays_on_top(app, monkeypatch):
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    ids = fill(stage_id, 3)
    monkeypatch.setattr(ranking, "MAX_RANK_LENGTH", 1)

    lead = create_lead({"title": "Walk-in"}, user=None, stage=db.session.get(Stage, stage_id))

    assert column_order(stage_id) == [lead.id, *ids]
