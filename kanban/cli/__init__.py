"""The ``kanban`` console command: Flask's CLI with the app's own commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from kanban.app import create_app


def register_commands(app: Flask) -> None:
    from kanban.cli import database, jobs, maintenance, notify, operations, users
    from kanban.plugins import get_plugin_manager

    for command in (
        database.db_group,
        users.create_user,
        users.create_token,
        maintenance.demo,
        maintenance.first_run,
        maintenance.plugins,
        maintenance.repair_ranks,
        operations.check,
        operations.backup,
        operations.restore_command,
        notify.notify_group,
        jobs.worker,
        jobs.jobs_group,
    ):
        app.cli.add_command(command)
    for commands in get_plugin_manager(app).hook.kanban_register_commands():
        for command in commands or []:
            app.cli.add_command(command)


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """Kanban: the lead pipeline for small sales teams."""
