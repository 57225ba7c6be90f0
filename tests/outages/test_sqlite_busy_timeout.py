"""SQLite's wait for a lock is the setting, and it is the whole budget of a write."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from kanban.config import DefaultConfig
from kanban.extensions import db
from tests.api.conftest import assert_error
from tests.factories import LeadFactory
from tests.outages.conftest import SHORT_WAIT_MS

GUNICORN_WORKER_TIMEOUT_MS = 30_000


@pytest.fixture(autouse=True)
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("SQLite's busy timeout; PostgreSQL's lock timeout is its own setting")


def test_the_busy_timeout_is_the_setting(app):
    assert db.session.scalar(text("PRAGMA busy_timeout")) == SHORT_WAIT_MS


def test_the_default_wait_ends_well_before_a_worker_is_killed():
    assert DefaultConfig.SQLITE_BUSY_TIMEOUT_MS == 5000
    assert DefaultConfig.SQLITE_BUSY_TIMEOUT_MS * 2 < GUNICORN_WORKER_TIMEOUT_MS


def test_a_write_that_waited_its_whole_busy_timeout_is_not_tried_again(
    member_client, pipeline, request
):
    lead = LeadFactory(stage=pipeline.stages[0])
    stage_id, lead_id, version = pipeline.stages[1].id, lead.id, lead.version
    attempts = []

    def count_write_attempts(conn, cursor, statement, *args):
        if statement.strip().upper() == "BEGIN IMMEDIATE":
            attempts.append(statement)

    event.listen(db.engine, "before_cursor_execute", count_write_attempts)
    request.getfixturevalue("database_locked")
    try:
        response = member_client.post(f"/api/v1/leads/{lead_id}/move",
                                      json={"stage_id": stage_id, "version": version})
    finally:
        event.remove(db.engine, "before_cursor_execute", count_write_attempts)
    assert_error(response, 503, "unavailable")
    assert len(attempts) == 1
