"""SQLite's log is copied back into the database by a thread of each process, never inside a
writer's commit, where every writer waiting for its turn would wait with it."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import text

from kanban.extensions import db
from kanban.services.leads import create_lead
from kanban.services.sqlite_checkpoints import checkpoint, database_file
from tests.factories import PipelineFactory

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def test_the_apps_commits_never_checkpoint(app, backend):
    assert db.session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0


def test_what_writers_commit_reaches_the_database_file_soon_after(app, backend):
    stage = PipelineFactory(stages=["New"]).stages[0]
    path = database_file(db.engine)
    before = os.path.getsize(path)

    for n in range(300):
        create_lead({"title": f"Lead {n}", "description": "A quote, please. " * 20},
                    user=None, stage=stage)

    deadline = time.monotonic() + 10
    while os.path.getsize(path) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.path.getsize(path) > before



def test_a_checkpoint_of_a_database_moved_away_makes_no_empty_one(backend, tmp_path):
    missing = tmp_path / "moved.db"

    checkpoint(str(missing))

    assert not missing.exists()
