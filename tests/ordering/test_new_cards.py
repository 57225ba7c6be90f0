"""New cards arriving at once (web forms, mail, the API): they land at the top of their
column without making one another wait, and each holds the column only for its writes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

from kanban.extensions import db
from kanban.models import Lead, Stage
from kanban.services.leads import create_lead
from kanban.services.ordering import column_order, lock_columns, rank_at_top
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
