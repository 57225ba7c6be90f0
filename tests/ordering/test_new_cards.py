"""New cards arriving at once (web forms, mail, the API): they land at the top of their
column without making one another wait, and each holds the column only for its writes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

from kanban.errors import Conflict
from kanban.extensions import db
from kanban.models import Activity, Lead, LeadEvent, Stage
from kanban.services.leads import _write_new_leads, create_lead
from kanban.services.ordering import column_order, lock_columns, rank_at_top
from kanban.services.together import together
from tests.core.test_together import wait_until_waiting
from tests.factories import PipelineFactory
from tests.ordering.test_move_writes import fill


def test_keys_drawn_for_new_cards_at_once_differ_and_sit_above_the_top(app):
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    top = db.session.scalar(select(Lead.rank).where(Lead.id == fill(stage_id, 3)[0]))

    keys = {rank_at_top(stage_id, spread=True) for _ in range(50)}

    assert len(keys) == 50
    assert all(key < top for key in keys)


def test_new_cards_one_after_another_each_land_on_top(app):
    stage = PipelineFactory(stages=["New"]).stages[0]
    ids = [create_lead({"title": f"Lead {n}"}, user=None, stage=stage).id for n in range(5)]
    assert column_order(stage.id) == ids[::-1]


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_new_lead_does_not_wait_for_another_new_lead_in_its_column(app, backend):
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    with db.engine.connect() as other:  # another new lead, not yet committed
        other.execute(select(Stage.id).where(Stage.id == stage_id).with_for_update(read=True))
        db.session.execute(text("SET LOCAL lock_timeout = '5s'"))

        lead = create_lead({"title": "Ana"}, user=None, stage=db.session.get(Stage, stage_id))

        other.rollback()
    assert column_order(stage_id) == [lead.id]


@pytest.mark.parametrize("backend", ["postgresql"])
def test_boards_are_woken_after_the_new_lead_commits_not_inside_it(app, backend):
    stage = PipelineFactory(stages=["New"]).stages[0]
    seen: list[str] = []
    notified = threading.Event()

    def statement(conn, cursor, sql, parameters, context, executemany):
        seen.append("NOTIFY" if "NOTIFY" in sql else "statement")
        if "NOTIFY" in sql:
            notified.set()

    def commit(conn):
        seen.append("COMMIT")

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    try:
        create_lead({"title": "Ana"}, user=None, stage=stage)
        notified.wait(5)  # sent from the announcer's thread, right after the commit
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "commit", commit)
    assert seen.count("NOTIFY") == 1
    assert seen.index("COMMIT") < seen.index("NOTIFY")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_sqlite_writer_hands_on_its_turn_when_its_transaction_ends(app, backend):
    app.config["SQLITE_BUSY_TIMEOUT_MS"] = 200  # a turn kept by mistake fails fast
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    lock_columns([stage_id])
    db.session.rollback()
    lock_columns([stage_id])
    db.session.commit()
    lock_columns([stage_id])
    db.session.close()
    create_lead({"title": "Ana"}, user=None, stage=db.session.get(Stage, stage_id))
    assert len(column_order(stage_id)) == 1


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_sqlite_writer_waiting_past_the_busy_timeout_is_told_the_database_is_locked(
    app, backend
):
    app.config["SQLITE_BUSY_TIMEOUT_MS"] = 200
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    holding, done = threading.Event(), threading.Event()

    def other_writer() -> None:
        with app.app_context():
            lock_columns([stage_id])
            holding.set()
            done.wait(10)
            db.session.rollback()

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        assert holding.wait(10)
        with pytest.raises(OperationalError, match="database is locked"):
            lock_columns([stage_id])
    finally:
        done.set()
        thread.join()
    db.session.rollback()
    lock_columns([stage_id])  # free again once the other writer is done
    db.session.rollback()


class FirstLeadWaits:
    """Holds the first lead's insert until ``go`` is set; counts commits meanwhile."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.inserting = threading.Event()
        self.commits = 0

    def statement(self, conn, cursor, sql, parameters, context, executemany):
        if sql.startswith("INSERT INTO leads") and not self.inserting.is_set():
            self.inserting.set()
            assert self.go.wait(10)

    def commit(self, conn):
        self.commits += 1

    def __enter__(self) -> FirstLeadWaits:
        event.listen(db.engine, "before_cursor_execute", self.statement)
        event.listen(db.engine, "commit", self.commit)
        return self

    def __exit__(self, *exc) -> None:
        self.go.set()
        event.remove(db.engine, "before_cursor_execute", self.statement)
        event.remove(db.engine, "commit", self.commit)


def create_at_once(app, stage_id: int, titles: list[str], records=None) -> dict[str, object]:
    """Create a lead per title, each in a thread of its own: the first one's write waits
    until the others wait for theirs. Return each title's lead id, or its error."""
    outcomes: dict[str, object] = {}

    def one(title: str) -> None:
        with app.app_context():
            try:
                stage = db.session.get(Stage, stage_id)
                outcomes[title] = create_lead({"title": title}, user=None, stage=stage,
                                              records=records).id
            except Exception as exc:
                outcomes[title] = exc

    with FirstLeadWaits() as waits:
        first = threading.Thread(target=one, args=(titles[0],))
        first.start()
        assert waits.inserting.wait(10)
        others = [threading.Thread(target=one, args=(title,)) for title in titles[1:]]
        for thread in others:
            thread.start()
        wait_until_waiting(together(_write_new_leads), len(others))
        waits.go.set()
        for thread in [first, *others]:
            thread.join(10)
        outcomes["commits"] = waits.commits
    return outcomes


@pytest.mark.parametrize("backend", ["sqlite"])
def test_sqlite_writes_the_new_leads_waiting_for_the_turn_in_one_transaction(app, backend):
    stage_id = PipelineFactory(stages=["New"]).stages[0].id

    outcomes = create_at_once(app, stage_id, ["Ana", "Bea", "Caio", "Dora"])

    assert outcomes.pop("commits") == 2  # Ana's, then the three others' together
    ids = list(outcomes.values())
    assert all(isinstance(lead_id, int) for lead_id in ids)
    assert column_order(stage_id) == sorted(ids, reverse=True)  # the last written on top
    created = db.session.scalars(select(Activity.lead_id).where(
        Activity.payload["event"].as_string() == "created")).all()
    assert sorted(created) == sorted(ids)
    assert sorted(db.session.scalars(select(LeadEvent.lead_id))) == sorted(ids)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_new_lead_refused_in_a_shared_write_does_not_cost_the_others_theirs(app, backend):
    stage_id = PipelineFactory(stages=["New"]).stages[0].id

    def refuse_caio(lead: Lead) -> list:
        if lead.title == "Caio":
            raise Conflict("This row already became a lead.")
        return []

    outcomes = create_at_once(app, stage_id, ["Ana", "Bea", "Caio", "Dora"], refuse_caio)

    outcomes.pop("commits")
    assert isinstance(outcomes.pop("Caio"), Conflict)
    assert sorted(column_order(stage_id)) == sorted(outcomes.values())
    assert db.session.scalars(select(Lead.title).where(Lead.title == "Caio")).all() == []
