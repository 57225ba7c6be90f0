"""A form's key is written by the very commit that saves what the form asked for."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import IdempotencyKey, Lead
from kanban.services.keys_with_commit import key_with_commit
from kanban.services.leads import create_lead

KEY = "k" * 32


def keys() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(IdempotencyKey.id)))


def test_the_key_is_written_with_the_lead(app, pipeline, member):
    with key_with_commit("form:user:1", KEY, "f") as held:
        create_lead({"title": "Printers"}, user=member)
    assert held.written and keys() == 1


def test_a_refused_lead_leaves_the_key_unwritten(app, pipeline, member):
    with key_with_commit("form:user:1", KEY, "f") as held, pytest.raises(ValidationError):
        create_lead({"title": ""}, user=member)
    assert not held.written and keys() == 0


def _in_thread(app, work) -> threading.Thread:
    def run() -> None:
        with app.app_context():
            work()
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize("backend", ["sqlite"])  # on PostgreSQL every lead is written alone
def test_a_lead_with_a_key_is_not_written_in_another_threads_transaction(app, pipeline,
                                                                        member):
    """On SQLite the new leads of threads waiting for a turn are written in one go, by the
    first of them: a lead whose commit carries a key must be written in its own."""
    writing, release = threading.Event(), threading.Event()

    def hold_the_turn(lead: Lead) -> list:
        writing.set()
        release.wait(10)
        return []

    first = _in_thread(app, lambda: create_lead({"title": "First"}, user=None,
                                                 records=hold_the_turn))
    writing.wait(10)
    second = _in_thread(app, lambda: create_lead({"title": "Second"}, user=None))
    batch = next(iter(app.extensions["kanban_together"].values()))
    while batch.waiting < 1:
        time.sleep(0.01)

    def release_once_queued() -> None:  # once this test's lead waits behind the second
        deadline = time.monotonic() + 1
        while batch.waiting < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        release.set()

    releaser = threading.Thread(target=release_once_queued)
    releaser.start()
    with key_with_commit("form:user:1", KEY, "f") as held:
        create_lead({"title": "With a key"}, user=member)
    for thread in (first, second, releaser):
        thread.join(10)
    assert held.written and keys() == 1
