"""Alembic, through Flask-Migrate, loaded only when the schema is looked at or changed.

Alembic takes a good part of a second to import: a ``kanban`` command that only reads
mail or prints help should not pay for it.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from flask import Flask, current_app

DIRECTORY = Path(__file__).resolve().parent / "migrations"


def migrations(app: Flask | None = None) -> Any:
    """Return the application's Flask-Migrate extension, set up on first use."""
    app = app or current_app._get_current_object()
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        from kanban.database import add_plugin_migrations
        from kanban.extensions import db

        ours = app.cli.commands.get("db")
        migrate = Migrate(app, db, directory=str(DIRECTORY))
        migrate.configure(add_plugin_migrations)
        if ours is not None:  # Flask-Migrate puts its own "db" group in place of ours
            app.cli.add_command(ours)
    return app.extensions["migrate"].migrate


def schema_commands() -> ModuleType:
    """Flask-Migrate's commands (upgrade, current, stamp...), set up for this application."""
    migrations()
    import flask_migrate

    return flask_migrate
