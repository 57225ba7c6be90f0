"""The database schema comes from migrations that match the models, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from kanban.app import create_app
from kanban.extensions import db
from tests.conftest import BUILTIN_PLUGINS


def migrated_app(app_config, url, plugins):
    application = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url, "PLUGINS": plugins})
    return application


def upgrade(application, revision="heads"):
    result = application.test_cli_runner().invoke(args=["db", "upgrade", "--revision", revision])
    assert result.exit_code == 0, result.output + repr(result.exception)


def test_upgrade_from_nothing_builds_the_schema_the_models_describe(app_config, empty_database):
    application = migrated_app(app_config, empty_database, BUILTIN_PLUGINS)
    upgrade(application)
    with application.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            diff for diff in compare_metadata(context, db.metadata)
            if not (diff[0] == "remove_table" and diff[1].name == "alembic_version")
        ]
    with application.app_context():
        db.engine.dispose()
    assert differences == []


def test_older_database_is_upgraded_keeping_its_leads(app_config, empty_database):
    core_only = migrated_app(app_config, empty_database, [])
    upgrade(core_only, "0001_core")
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO pipelines (name, position, created_at) "
                                "VALUES ('Sales', 0, CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO stages (pipeline_id, name, position, is_proposal) "
                                "VALUES (1, 'New', 0, false)"))
        connection.execute(text(
            "INSERT INTO leads (title, currency, contact_name, company, email, phone, source, "
            "priority, description, custom_fields, stage_id, rank, status, lost_reason, "
            "next_action_kind, next_action_text, created_at, updated_at, version) VALUES "
            "('Kept', 'EUR', '', '', '', '', 'manual', 1, '', '{}', 1, 'a0', 'open', '', "
            "'todo', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"))
    upgrade(migrated_app(app_config, empty_database, BUILTIN_PLUGINS))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM leads")).scalar() == "Kept"
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"users", "pipelines", "stages", "leads", "activities", "api_tokens"} <= tables
    assert len(tables) > 8, "the plugins' branches added their tables"


def test_upgrading_twice_changes_nothing(app_config, empty_database):
    application = migrated_app(app_config, empty_database, BUILTIN_PLUGINS)
    upgrade(application)
    upgrade(application)
