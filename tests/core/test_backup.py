"""`kanban backup` and `kanban restore`: consistent copies of a SQLite database in use."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from kanban.app import create_app
from kanban.extensions import db
from kanban.models import Lead
from kanban.services.backup import integrity_problem, sqlite_file
from tests.factories import LeadFactory, PipelineFactory


@pytest.fixture
def sqlite_app(app, backend):
    if backend != "sqlite":
        pytest.skip("backup and restore copy SQLite files; PostgreSQL uses pg_dump")
    return app


def live_file(app) -> Path:
    return sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])


def titles_in(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT title FROM leads")}
    finally:
        connection.close()


def cli(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=list(args), **kwargs)


def test_backup_taken_while_leads_are_written_holds_every_earlier_lead(sqlite_app, tmp_path):
    stage = PipelineFactory().stages[0]
    stage_id = stage.id
    committed: list[str] = []
    stop = threading.Event()
    started = threading.Event()

    def keep_writing() -> None:
        with sqlite_app.app_context():
            number = 0
            while not stop.is_set():
                number += 1
                LeadFactory(title=f"Written {number}", stage=db.session.get(type(stage), stage_id))
                committed.append(f"Written {number}")
                if number == 20:
                    started.set()
            db.session.remove()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        started.wait()
        before = list(committed)
        result = cli(sqlite_app, "backup", str(tmp_path / "copy.db"))
    finally:
        stop.set()
        writer.join()

    assert result.exit_code == 0, result.output
    assert integrity_problem(tmp_path / "copy.db") is None
    assert set(before) <= titles_in(tmp_path / "copy.db")


def test_backup_is_readable_by_its_owner_only(sqlite_app, tmp_path):
    LeadFactory(title="Kept")

    cli(sqlite_app, "backup", str(tmp_path / "copy.db"))

    assert stat.S_IMODE((tmp_path / "copy.db").stat().st_mode) == 0o600
    assert titles_in(tmp_path / "copy.db") == {"Kept"}


def test_backup_never_overwrites_a_file(app, tmp_path):  # SQLite's copy, or pg_dump's
    (tmp_path / "copy.db").write_text("something else")

    result = cli(app, "backup", str(tmp_path / "copy.db"))

    assert result.exit_code == 1
    assert "already exists" in result.output
    assert (tmp_path / "copy.db").read_text() == "something else"


@pytest.fixture
def postgres_app(app, backend):
    if backend != "postgresql":
        pytest.skip("pg_dump backs up PostgreSQL databases")
    return app


def dumped_rows(dump: Path) -> str:
    """The leads' rows in a pg_dump file, as pg_restore reads them."""
    return subprocess.run(["pg_restore", "--data-only", "--table=leads", "--file=-", str(dump)],
                          capture_output=True, text=True, check=True).stdout


def test_postgresql_backup_is_a_pg_dump_holding_the_leads(postgres_app, tmp_path):
    LeadFactory(title="Kept in the dump")

    result = cli(postgres_app, "backup", str(tmp_path / "crm.dump"))

    assert result.exit_code == 0, result.output
    assert "Kept in the dump" in dumped_rows(tmp_path / "crm.dump")
    assert stat.S_IMODE((tmp_path / "crm.dump").stat().st_mode) == 0o600


def test_postgresql_backup_that_cannot_connect_keeps_no_file_and_hides_the_password(
        app_config, tmp_path):
    url = "postgresql+psycopg://kanban:s3cret@127.0.0.1:1/crm"
    application = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})

    result = cli(application, "backup", str(tmp_path / "crm.dump"))

    assert result.exit_code == 1
    assert "The copy failed" in result.output
    assert "s3cret" not in result.output
    assert not (tmp_path / "crm.dump").exists()


def test_postgresql_backup_without_pg_dump_prints_its_command_without_the_password(
        app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on it
    url = "postgresql+psycopg://kanban:s3cret@db.internal:5433/crm"
    application = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})

    result = cli(application, "backup", "/backups/crm.dump")

    assert result.exit_code == 1
    assert "pg_dump is not installed here" in result.output
    assert ("pg_dump --format=custom --file=/backups/crm.dump --host=db.internal "
            "--port=5433 --username=kanban crm") in result.output
    assert "s3cret" not in result.output


def test_restore_after_confirmation_puts_the_backup_back(sqlite_app, tmp_path):
    LeadFactory(title="In the backup")
    cli(sqlite_app, "backup", str(tmp_path / "copy.db"))
    LeadFactory(title="Added later")

    result = cli(sqlite_app, "restore", str(tmp_path / "copy.db"), input="y\n")

    assert result.exit_code == 0, result.output
    db.session.remove()
    assert [lead.title for lead in db.session.query(Lead)] == ["In the backup"]
    assert integrity_problem(live_file(sqlite_app)) is None


def test_restore_keeps_the_replaced_database_beside_it(sqlite_app, tmp_path):
    LeadFactory(title="In the backup")
    cli(sqlite_app, "backup", str(tmp_path / "copy.db"))
    LeadFactory(title="Added later")

    cli(sqlite_app, "restore", "--yes", str(tmp_path / "copy.db"))

    live = live_file(sqlite_app)
    [kept] = live.parent.glob(f"{live.name}.before-restore-*")
    assert titles_in(kept) == {"In the backup", "Added later"}
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_restore_refused_at_the_prompt_changes_nothing(sqlite_app, tmp_path):
    LeadFactory(title="In the backup")
    cli(sqlite_app, "backup", str(tmp_path / "copy.db"))
    LeadFactory(title="Added later")

    result = cli(sqlite_app, "restore", str(tmp_path / "copy.db"), input="n\n")

    assert result.exit_code == 1
    assert "Nothing was restored" in result.output
    assert titles_in(live_file(sqlite_app)) == {"In the backup", "Added later"}


def test_restore_refuses_a_file_that_is_not_a_kanban_database(sqlite_app, tmp_path):
    LeadFactory(title="Still here")
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE notes (body TEXT)")
    other.commit()
    other.close()

    result = cli(sqlite_app, "restore", "--yes", str(tmp_path / "other.db"))

    assert result.exit_code == 1
    assert "is not a Kanban database" in result.output
    assert titles_in(live_file(sqlite_app)) == {"Still here"}


def test_restore_refuses_a_damaged_file(sqlite_app, tmp_path):
    (tmp_path / "broken.db").write_bytes(b"not a database at all" * 100)

    result = cli(sqlite_app, "restore", "--yes", str(tmp_path / "broken.db"))

    assert result.exit_code == 1
    assert "not an intact SQLite database" in result.output
