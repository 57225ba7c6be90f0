"""An id names one thing for good: after a delete, the next row gets a new id."""

from __future__ import annotations

import importlib

import pytest
from sqlalchemy import create_engine, inspect, text

from kanban.extensions import db
from kanban.services.leads import create_lead, delete_lead
from tests.conftest import BUILTIN_PLUGINS
from tests.core.test_migrations import migrated_app, upgrade


def test_a_deleted_leads_id_is_not_given_to_the_next_lead(app, manager, pipeline):
    first = create_lead({"title": "First"}, user=manager, stage=pipeline.stages[0])
    first_id = first.id
    delete_lead(first, user=manager)
    second = create_lead({"title": "Second"}, user=manager, stage=pipeline.stages[0])
    assert second.id != first_id


def test_after_upgrading_an_old_database_ids_are_not_reused(app_config, empty_database):
    upgrade(migrated_app(app_config, empty_database, []), "0004_core")
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO pipelines (name, position, created_at) "
                                "VALUES ('Sales', 0, CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO stages (pipeline_id, name, position, is_proposal) "
                                "VALUES (1, 'New', 0, false)"))
    upgrade(migrated_app(app_config, empty_database, BUILTIN_PLUGINS))
    ids = []
    with engine.begin() as connection:
        for title in ("First", "Second"):
            ids.append(connection.execute(text(
                "INSERT INTO leads (title, currency, contact_name, company, email, phone, "
                "source, priority, description, custom_fields, stage_id, rank, status, "
                "lost_reason, next_action_kind, next_action_text, created_at, updated_at, "
                "version, starred, touched_at) VALUES (:title, 'EUR', '', '', '', '', "
                "'manual', 2, '', '{}', 1, 'a0', 'open', '', 'todo', '', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP, 1, false, CURRENT_TIMESTAMP) RETURNING id"),
                {"title": title}).scalar())
            connection.execute(text("DELETE FROM leads WHERE id = :id"), {"id": ids[-1]})
    engine.dispose()
    assert ids[0] != ids[1]


def test_every_table_with_an_id_says_autoincrement_on_sqlite_after_upgrading(
    app_config, empty_database, backend
):
    if backend != "sqlite":
        pytest.skip("PostgreSQL's sequences never hand out an id twice")
    upgrade(migrated_app(app_config, empty_database, []), "0004_core")
    upgrade(migrated_app(app_config, empty_database, BUILTIN_PLUGINS))
    engine = create_engine(empty_database)
    tables = [name for name in inspect(engine).get_table_names()
              if "id" in {column["name"] for column in inspect(engine).get_columns(name)}]
    with engine.connect() as connection:
        without = [name for name in tables if "AUTOINCREMENT" not in connection.execute(
            text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": name}
        ).scalar()]
    engine.dispose()
    assert len(tables) > 12
    assert without == []


def test_every_model_with_an_id_says_autoincrement_on_sqlite(app):
    for plugin in BUILTIN_PLUGINS:
        importlib.import_module(f"kanban_{plugin}.models")
    tables = [table for table in db.metadata.sorted_tables if "id" in table.c]
    assert len(tables) > 12
    assert [t.name for t in tables if not t.kwargs.get("sqlite_autoincrement")] == []
