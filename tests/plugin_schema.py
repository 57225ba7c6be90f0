"""The check every plugin's migration test makes: ``kanban db upgrade`` builds the plugin's
tables exactly as its models describe them, on the backend under test."""

from __future__ import annotations

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect as inspect_db

from kanban.app import create_app
from kanban.extensions import db


def assert_migrations_build_the_models(app_config: dict, database_url: str, plugin: str,
                                       models: list) -> None:
    fresh = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": database_url,
                        "PLUGINS": [plugin]})
    result = fresh.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    ours = {model.__table__.name for model in models}
    with fresh.app_context(), db.engine.connect() as connection:
        assert ours <= set(inspect_db(connection).get_table_names())
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [diff for diff in compare_metadata(context, db.metadata)
                       if ours & set(re.findall(r"'(\w+)'", repr(diff)))]
    with fresh.app_context():
        db.engine.dispose()
    assert differences == []
