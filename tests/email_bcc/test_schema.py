"""The plugin's migration creates its tables as its models describe them."""

from __future__ import annotations

from kanban_email_bcc import models
from sqlalchemy import create_engine
from sqlalchemy import inspect as inspect_db

MODELS = [models.Dropbox, models.MailMessage, models.MailAttachment, models.IngestionEntry,
          models.QuarantinedMessage, models.ImapCheckpoint]


def test_upgrade_creates_the_plugins_tables_as_the_models_describe(app_config, tmp_path):
    from kanban.app import create_app

    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    fresh = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
    result = fresh.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine(url)
    try:
        schema = inspect_db(engine)
        for model in MODELS:
            table = model.__table__
            columns = {column["name"]: column for column in schema.get_columns(table.name)}
            assert set(columns) == set(table.columns.keys()), table.name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, column.name
            indexes = {index["name"] for index in schema.get_indexes(table.name)}
            assert {index.name for index in table.indexes} <= indexes, table.name
            uniques = {tuple(u["column_names"]) for u in schema.get_unique_constraints(table.name)}
            wanted = {tuple(c.name for c in constraint.columns)
                      for constraint in table.constraints
                      if constraint.__class__.__name__ == "UniqueConstraint"}
            wanted |= {(c.name,) for c in table.columns if c.unique}
            assert wanted <= uniques, table.name
    finally:
        engine.dispose()
        with fresh.app_context():
            from kanban.extensions import db

            db.engine.dispose()
