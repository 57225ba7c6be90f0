"""SQLite writers of different server processes take turns through a file beside the database."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from kanban.extensions import db
from kanban.services.ordering import lock_columns
from kanban.services.sqlite_writers import turn_file
from tests.factories import PipelineFactory

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

# Another server process (a second gunicorn worker) taking its write turn and keeping it
# until told to go on.
OTHER_PROCESS = textwrap.dedent("""
    import sys
    from kanban.services.sqlite_writers import Turn
    turn = Turn(sys.argv[1])
    assert turn.acquire(10)
    print("holding", flush=True)
    sys.stdin.readline()
    turn.release()
    print("done", flush=True)
""")


class OtherProcess:
    def __init__(self, path: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", OTHER_PROCESS, path],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        assert self.process.stdout.readline().strip() == "holding"

    def finish(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("go\n")
            self.process.stdin.flush()
            assert self.process.stdout.readline().strip() == "done"
        self.process.wait(10)


def test_the_turn_file_lies_beside_the_database(app, backend, tmp_path):
    assert turn_file(db.engine) == str(tmp_path / "kanban.db") + "-writers"


def test_a_writer_waits_for_another_process_that_holds_the_turn(app, backend):
    app.config["SQLITE_BUSY_TIMEOUT_MS"] = 300
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    other = OtherProcess(turn_file(db.engine))
    try:
        # SQLite itself is free: only the other process's turn holds this writer back.
        with pytest.raises(OperationalError, match="database is locked"):
            lock_columns([stage_id])
    finally:
        other.finish()
    db.session.rollback()


def test_a_writer_goes_on_once_the_other_process_ends_its_turn(app, backend):
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    other = OtherProcess(turn_file(db.engine))
    other.finish()
    lock_columns([stage_id])
    db.session.rollback()


def test_a_turn_that_ended_leaves_the_file_free_for_another_process(app, backend):
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    lock_columns([stage_id])
    db.session.commit()
    other = OtherProcess(turn_file(db.engine))  # would not print "holding" if kept
    other.finish()


def test_a_database_in_memory_has_no_turn_file(app, backend):
    from sqlalchemy import create_engine

    assert turn_file(create_engine("sqlite://")) is None
    assert turn_file(create_engine("sqlite:///:memory:")) is None


def test_the_turn_file_has_the_database_files_permissions(app, backend, tmp_path):
    (tmp_path / "kanban.db").chmod(0o660)
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    lock_columns([stage_id])
    db.session.rollback()
    assert Path(turn_file(db.engine)).stat().st_mode & 0o777 == 0o660


def test_a_writer_that_may_not_make_the_turn_file_still_writes(app, backend, tmp_path):
    stage_id = PipelineFactory(stages=["New"]).stages[0].id
    Path(turn_file(db.engine)).mkdir()  # a folder where the file should be: it cannot open
    lock_columns([stage_id])
    db.session.rollback()
