"""`kanban backup --dir DIR --keep N`: the nightly copy a systemd timer can run as it is,
named by the command itself, with the oldest of its own copies removed."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kanban.services.backup import DATED_BACKUP, dated_backup_name
from tests.factories import LeadFactory


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def suffix(backend) -> str:
    return ".db" if backend == "sqlite" else ".dump"


@pytest.fixture
def folder(tmp_path) -> Path:
    made = tmp_path / "backups"
    made.mkdir()
    return made


def test_a_copy_is_named_after_the_moment_it_is_taken_in_utc():
    moment = datetime(2026, 12, 7, 2, 30, 5, tzinfo=UTC)

    assert dated_backup_name(".db", moment) == "kanban-2026-12-07-023005.db"
    assert DATED_BACKUP.fullmatch(dated_backup_name(".dump", moment))


def test_backup_into_a_folder_writes_one_dated_owner_only_copy(app, suffix, folder):
    LeadFactory(title="Kept")

    result = cli(app, "backup", "--dir", str(folder))

    assert result.exit_code == 0, result.output
    [copy] = folder.iterdir()
    assert DATED_BACKUP.fullmatch(copy.name) and copy.suffix == suffix
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_the_next_nights_backup_into_the_same_folder_succeeds(app, suffix, folder):
    (folder / f"kanban-2026-01-01-023000{suffix}").write_text("last night's")

    result = cli(app, "backup", "--dir", str(folder))

    assert result.exit_code == 0, result.output
    assert len(list(folder.iterdir())) == 2


def test_keep_removes_the_oldest_of_its_own_copies_and_nothing_else(app, suffix, folder):
    own = [folder / f"kanban-2026-01-0{day}-023000{suffix}" for day in (1, 2, 3)]
    others = [folder / name for name in (
        "notes.txt", f"kanban-2026-01-01{suffix}", f"kanban-2025-01-01-023000{suffix}.bak",
        "kanban-2025-01-01-023000.sql", f"Kanban-2025-01-01-023000{suffix}")]
    for path in own + others:
        path.write_text("x")

    result = cli(app, "backup", "--dir", str(folder), "--keep", "2")

    assert result.exit_code == 0, result.output
    assert not own[0].exists() and not own[1].exists()
    assert own[2].exists()
    assert all(path.exists() for path in others)
    assert len([path for path in folder.iterdir() if DATED_BACKUP.fullmatch(path.name)]) == 2
    assert str(own[0]) in result.output


def test_keep_leaves_a_folder_with_fewer_copies_as_it_is(app, suffix, folder):
    older = folder / f"kanban-2026-01-01-023000{suffix}"
    older.write_text("x")

    result = cli(app, "backup", "--dir", str(folder), "--keep", "7")

    assert result.exit_code == 0, result.output
    assert older.exists()


def test_backup_into_a_missing_folder_says_so_and_creates_nothing(app, tmp_path):
    missing = tmp_path / "backups"

    result = cli(app, "backup", "--dir", str(missing), "--keep", "3")

    assert result.exit_code == 1
    assert f"The folder {missing} does not exist: create it first" in result.output
    assert not missing.exists()


def test_a_failed_copy_removes_no_older_copy(app_config, folder):
    from kanban.app import create_app

    url = "postgresql+psycopg://kanban:s3cret@127.0.0.1:1/crm"
    down = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
    older = [folder / f"kanban-2026-01-0{day}-023000.dump" for day in (1, 2)]
    for path in older:
        path.write_text("x")

    result = cli(down, "backup", "--dir", str(folder), "--keep", "1")

    assert result.exit_code == 1
    assert all(path.exists() for path in older)


@pytest.mark.parametrize("args", [
    [],  # neither a file nor a folder
    ["copy.db", "--dir", "."],  # both
    ["copy.db", "--keep", "3"],  # --keep without --dir
    ["--dir", ".", "--keep", "0"],  # keeping nothing
])
def test_backup_refuses_unclear_arguments(app, args):
    result = cli(app, "backup", *args)

    assert result.exit_code == 2
