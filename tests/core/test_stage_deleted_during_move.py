"""A stage deleted while a card moves into it: the loser hears 409 in plain words, not 500."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, event, select, text

from kanban.extensions import db
from kanban.models import Activity, ActivityKind, Lead, Stage
from kanban.services import leads as lead_service
from tests.api.conftest import assert_error
from tests.conftest import log_in
from tests.factories import LeadFactory


def run_elsewhere(app, sql: str, **params) -> None:
    """Run a statement in another connection and commit it, as another worker would."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        engine.dispose()


def stage_changes(lead_id: int) -> list[Activity]:
    return list(db.session.scalars(select(Activity).where(
        Activity.lead_id == lead_id, Activity.kind == ActivityKind.STAGE_CHANGE.value)))


@pytest.fixture
def stage_deleted_after_it_is_read(app, monkeypatch):
    """Someone deletes the target stage between the move reading it and writing the card."""
    real = lead_service.get_stage

    def read_then_lose(stage_id, *args, **kwargs):
        stage = real(stage_id, *args, **kwargs)
        run_elsewhere(app, "DELETE FROM stages WHERE id = :id", id=stage.id)
        return stage

    monkeypatch.setattr(lead_service, "get_stage", read_then_lose)


def test_a_card_moved_into_a_stage_deleted_meanwhile_is_a_409(
    member_client, pipeline, stage_deleted_after_it_is_read
):
    lead = LeadFactory(stage=pipeline.stages[0])
    target, lead_id = pipeline.stages[3], lead.id
    response = member_client.post(f"/api/v1/leads/{lead_id}/move",
                                  json={"stage_id": target.id, "version": lead.version})
    error = assert_error(response, 409, "conflict")
    assert "was deleted a moment ago" in error["message"]
    db.session.expire_all()
    assert db.session.get(Lead, lead_id).stage_id == pipeline.stages[0].id
    assert stage_changes(lead_id) == []


def test_a_card_moved_into_a_stage_that_exists_still_moves(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = member_client.post(f"/api/v1/leads/{lead.id}/move",
                                  json={"stage_id": pipeline.stages[3].id, "version": lead.version})
    assert response.status_code == 200
    assert response.get_json()["stage_id"] == pipeline.stages[3].id


def test_a_stage_that_a_card_entered_after_it_was_counted_empty_is_kept_with_a_409(
    app, admin_client, pipeline
):
    lead = LeadFactory(stage=pipeline.stages[0])
    target_id, lead_id = pipeline.stages[3].id, lead.id

    def card_arrives(session, flush_context, instances):
        run_elsewhere(app, "UPDATE leads SET stage_id = :stage WHERE id = :lead",
                      stage=target_id, lead=lead_id)

    event.listen(db.session(), "before_flush", card_arrives, once=True)
    response = admin_client.delete(f"/api/v1/stages/{target_id}")
    error = assert_error(response, 409, "conflict")
    assert "Move it to another stage, then delete the stage" in error["message"]
    db.session.expire_all()
    assert db.session.get(Stage, target_id) is not None


def test_an_empty_stage_is_deleted(admin_client, pipeline):
    target_id = pipeline.stages[3].id
    assert admin_client.delete(f"/api/v1/stages/{target_id}").status_code in (200, 204)
    db.session.expire_all()
    assert db.session.get(Stage, target_id) is None


def waiting_for_a_lock(app) -> bool:
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as connection:
            return bool(connection.scalar(text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'")))
    finally:
        engine.dispose()


def test_two_workers_racing_a_move_and_a_stage_deletion_end_in_a_409(
    app, backend, member, pipeline
):
    """For real on PostgreSQL: the deletion holds the stage while the move waits for it."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: the move waits for the whole database")
    lead = LeadFactory(stage=pipeline.stages[0])
    target_id, lead_id, version = pipeline.stages[3].id, lead.id, lead.version
    deleter = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    connection = deleter.connect()
    transaction = connection.begin()
    connection.execute(text("DELETE FROM stages WHERE id = :id"), {"id": target_id})
    answers = []

    def move() -> None:
        with app.app_context():  # a worker of its own, with its own session
            client = log_in(app.test_client(), member)
            answers.append(client.post(f"/api/v1/leads/{lead_id}/move",
                                       json={"stage_id": target_id, "version": version}))
            db.session.remove()

    mover = threading.Thread(target=move)
    mover.start()
    try:
        for _ in range(600):  # until the move waits for the deleted stage's lock
            if waiting_for_a_lock(app) or not mover.is_alive():
                break
            threading.Event().wait(0.05)
        transaction.commit()
    finally:
        mover.join()
        connection.close()
        deleter.dispose()
    [response] = answers
    assert_error(response, 409, "conflict")
    db.session.expire_all()
    assert db.session.get(Lead, lead_id).stage_id == pipeline.stages[0].id
