"""Random sequences of drags, closes and reopens keep the board in the order people chose.

The real services run against the real database; a plain list per stage says where
every card must be after each step.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete

from kanban import ranking
from kanban.errors import Conflict, ValidationError
from kanban.extensions import db
from kanban.models import Activity, Lead, LeadTag, Stage
from kanban.services import leads as lead_service
from tests.factories import PipelineFactory
from tests.ordering.board_model import BoardModel, assert_database_matches

titles = itertools.count()


class BoardMachine(RuleBasedStateMachine):
    """One pipeline of three stages per example, driven through the lead services."""

    @initialize()
    def make_pipeline(self):
        pipeline = PipelineFactory(stages=["New", "Contacted", "Proposal"])
        self.stage_ids = [stage.id for stage in pipeline.stages]
        self.other_pipeline_stage = PipelineFactory(stages=["Elsewhere"]).stages[0].id
        self.model = BoardModel(self.stage_ids)

    def teardown(self):
        db.session.rollback()
        if not hasattr(self, "model"):
            return
        ids = list(self.model.versions)
        db.session.execute(delete(Activity).where(Activity.lead_id.in_(ids)))
        db.session.execute(delete(LeadTag).where(LeadTag.lead_id.in_(ids)))
        db.session.execute(delete(Lead).where(Lead.id.in_(ids)))
        db.session.commit()

    # -- writes that succeed ------------------------------------------------------

    @rule(data=st.data())
    def create(self, data):
        stage_id = data.draw(st.sampled_from(self.stage_ids), label="stage")
        lead = lead_service.create_lead(
            {"title": f"Lead {next(titles)}"}, user=None, stage=db.session.get(Stage, stage_id)
        )
        self.model.add_at_top(stage_id, lead.id, lead.version)

    @precondition(lambda self: self.model.open_ids())
    @rule(data=st.data())
    def move(self, data):
        lead_id = data.draw(st.sampled_from(self.model.open_ids()), label="lead")
        stage_id = data.draw(st.sampled_from(self.stage_ids), label="stage")
        others = [i for i in self.model.visible(stage_id) if i != lead_id]
        how = data.draw(st.sampled_from(["after", "before", "both", "bottom"]), label="how")
        after_id = before_id = None
        if others and how == "after":
            after_id = data.draw(st.sampled_from(others), label="after")
        elif others and how == "before":
            before_id = data.draw(st.sampled_from(others), label="before")
        elif others and how == "both":
            index = data.draw(st.integers(0, len(others) - 1), label="index")
            after_id = others[index]
            before_id = others[index + 1] if index + 1 < len(others) else None
        lead = lead_service.move_lead(
            lead_id, stage_id=stage_id, version=self.model.versions[lead_id], user=None,
            after_id=after_id, before_id=before_id,
        )
        before = {sid: list(ids) for sid, ids in self.model.columns.items()}
        self.model.move(lead_id, stage_id, after_id, before_id)
        moved = self.model.columns != before  # dropped where it was: nothing is written
        assert lead.version == self.model.versions[lead_id] + (1 if moved else 0)
        self.model.versions[lead_id] = lead.version

    @precondition(lambda self: len(self.model.open_ids()) >= 3)
    @rule(data=st.data())
    def hammer_one_gap(self, data):
        # Drop card after card just below the same card: each key is longer than the last.
        anchor, *movers = data.draw(
            st.lists(st.sampled_from(self.model.open_ids()), min_size=3, max_size=3, unique=True),
            label="anchor and movers",
        )
        stage_id = self.model.stage_of(anchor)
        for lead_id in movers * 4:
            lead = lead_service.move_lead(
                lead_id, stage_id=stage_id, version=self.model.versions[lead_id], user=None,
                after_id=anchor,
            )
            self.model.move(lead_id, stage_id, anchor, None)
            self.model.versions[lead_id] = lead.version

    @precondition(lambda self: self.model.open_ids())
    @rule(data=st.data())
    def close(self, data):
        lead_id = data.draw(st.sampled_from(self.model.open_ids()), label="lead")
        status = data.draw(st.sampled_from(["won", "lost", "cancelled"]), label="status")
        lead = lead_service.close_lead(
            lead_service.get_lead(lead_id), status, user=None, lost_reason="Price",
            version=self.model.versions[lead_id],
        )
        self.model.closed.add(lead_id)
        self.model.versions[lead_id] = lead.version

    @precondition(lambda self: self.model.closed)
    @rule(data=st.data())
    def reopen(self, data):
        lead_id = data.draw(st.sampled_from(sorted(self.model.closed)), label="lead")
        lead = lead_service.reopen_lead(
            lead_service.get_lead(lead_id), user=None, version=self.model.versions[lead_id]
        )
        self.model.closed.discard(lead_id)
        self.model.versions[lead_id] = lead.version

    # -- writes that are refused and change nothing --------------------------------

    @precondition(lambda self: self.model.open_ids())
    @rule(data=st.data())
    def move_with_stale_version(self, data):
        lead_id = data.draw(st.sampled_from(self.model.open_ids()), label="lead")
        version = self.model.versions[lead_id]
        stale = data.draw(st.sampled_from([version - 1, version + 1]).filter(bool), label="v")
        with pytest.raises(Conflict):
            lead_service.move_lead(
                lead_id, stage_id=data.draw(st.sampled_from(self.stage_ids)), version=stale,
                user=None,
            )

    @precondition(lambda self: any(len(self.model.visible(s)) >= 4 for s in self.stage_ids))
    @rule(data=st.data())
    def move_between_cards_that_are_no_longer_adjacent(self, data):
        stage_id = data.draw(
            st.sampled_from([s for s in self.stage_ids if len(self.model.visible(s)) >= 4])
        )
        column = self.model.visible(stage_id)
        lead_id = column[0]
        after_id, before_id = column[1], column[3]
        with pytest.raises(Conflict) as refused:
            lead_service.move_lead(
                lead_id, stage_id=stage_id, version=self.model.versions[lead_id], user=None,
                after_id=after_id, before_id=before_id,
            )
        assert refused.value.extra["order"] == column

    @precondition(lambda self: self.model.closed and self.model.open_ids())
    @rule(data=st.data())
    def move_next_to_a_closed_card(self, data):
        closed_id = data.draw(st.sampled_from(sorted(self.model.closed)), label="closed")
        lead_id = data.draw(st.sampled_from(self.model.open_ids()), label="lead")
        with pytest.raises(Conflict):
            lead_service.move_lead(
                lead_id, stage_id=self.model.stage_of(closed_id),
                version=self.model.versions[lead_id], user=None, after_id=closed_id,
            )

    @precondition(lambda self: self.model.closed)
    @rule(data=st.data())
    def move_a_closed_card(self, data):
        lead_id = data.draw(st.sampled_from(sorted(self.model.closed)), label="lead")
        with pytest.raises(Conflict):
            lead_service.move_lead(
                lead_id, stage_id=self.stage_ids[0], version=self.model.versions[lead_id],
                user=None,
            )

    @precondition(lambda self: self.model.open_ids())
    @rule(data=st.data())
    def move_to_another_pipeline(self, data):
        lead_id = data.draw(st.sampled_from(self.model.open_ids()), label="lead")
        with pytest.raises(ValidationError):
            lead_service.move_lead(
                lead_id, stage_id=self.other_pipeline_stage,
                version=self.model.versions[lead_id], user=None,
            )

    @precondition(lambda self: self.model.open_ids())
    @rule(data=st.data())
    def move_next_to_a_card_of_another_stage(self, data):
        lead_id = data.draw(st.sampled_from(self.model.open_ids()), label="lead")
        anchor = data.draw(st.sampled_from(self.model.open_ids()), label="anchor")
        target = next(s for s in self.stage_ids if s != self.model.stage_of(anchor))
        if anchor == lead_id:
            return
        with pytest.raises(Conflict):
            lead_service.move_lead(
                lead_id, stage_id=target, version=self.model.versions[lead_id], user=None,
                before_id=anchor,
            )

    @invariant()
    def database_matches_the_model(self):
        if hasattr(self, "model"):
            assert_database_matches(self.model)


def test_random_drags_keep_every_card_where_people_put_it(app, backend, monkeypatch):
    # Keys this short make most drops between two cards rebalance the column.
    monkeypatch.setattr(ranking, "MAX_RANK_LENGTH", 2)
    rebalances = []
    real_rebalance = lead_service.rebalance

    def counting_rebalance(*args, **kwargs):
        rebalances.append(args)
        return real_rebalance(*args, **kwargs)

    monkeypatch.setattr(lead_service, "rebalance", counting_rebalance)
    run_state_machine_as_test(
        BoardMachine,
        settings=settings(
            # PostgreSQL answers each of the thousands of statements over a socket.
            max_examples=30 if backend == "sqlite" else 10,
            stateful_step_count=30,
            deadline=None,
            database=None,
        ),
    )
    assert rebalances, "no drag needed a rebalance: the test did not exercise it"
