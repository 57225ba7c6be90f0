"""What Kanban creates in its instance folder only its owner can read, whatever the umask."""

from __future__ import annotations

import os
import stat

import pytest

from kanban.app import create_app
from kanban.extensions import db


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_instance_folder_database_and_secret_key_are_owner_only(tmp_path, monkeypatch,
                                                                  open_umask):
    instance = tmp_path / "instance"
    monkeypatch.setenv("KANBAN_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("KANBAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("KANBAN_SECRET_KEY", raising=False)

    application = create_app({"TESTING": True, "TIMEZONE": "UTC", "PLUGINS": []})
    with application.app_context():
        db.create_all()
        db.engine.dispose()

    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == 0o600
    assert mode(instance / "kanban.db") == 0o600


def test_a_database_file_named_by_its_address_is_owner_only_with_its_journal(
        tmp_path, monkeypatch, open_umask):
    monkeypatch.setenv("KANBAN_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("KANBAN_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'crm.db'}")
    (tmp_path / "data").mkdir()

    application = create_app({"TESTING": True, "TIMEZONE": "UTC", "PLUGINS": []})
    with application.app_context():
        db.create_all()
        wal = tmp_path / "data" / "crm.db-wal"
        assert mode(tmp_path / "data" / "crm.db") == 0o600
        assert not wal.exists() or mode(wal) == 0o600
        db.engine.dispose()


def test_a_database_address_in_a_missing_folder_is_left_to_sqlite_to_refuse(
        tmp_path, monkeypatch):
    monkeypatch.setenv("KANBAN_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("KANBAN_DATABASE_URL", f"sqlite:///{tmp_path / 'nowhere' / 'crm.db'}")

    create_app({"TESTING": True, "TIMEZONE": "UTC", "PLUGINS": []})

    assert not (tmp_path / "nowhere").exists()


def test_existing_secret_key_is_kept(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text("k" * 64)
    monkeypatch.setenv("KANBAN_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("KANBAN_SECRET_KEY", raising=False)

    application = create_app({"TESTING": True, "TIMEZONE": "UTC", "PLUGINS": [],
                              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.db'}"})

    assert application.config["SECRET_KEY"] == "k" * 64
