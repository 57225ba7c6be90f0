"""The ``kanban`` console command: Flask's CLI with the app's own commands."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup, NoAppException, ScriptInfo

from kanban.app import create_app

# The core's commands, each imported only when run or described (see kanban.cli.lazy).
CORE_COMMANDS = (
    ("db", "kanban.cli.database:db_group"),
    ("create-user", "kanban.cli.users:create_user"),
    ("set-password", "kanban.cli.users:set_password"),
    ("create-token", "kanban.cli.users:create_token"),
    ("demo", "kanban.cli.maintenance:demo"),
    ("first-run", "kanban.cli.maintenance:first_run"),
    ("plugins", "kanban.cli.maintenance:plugins"),
    ("repair-ranks", "kanban.cli.maintenance:repair_ranks"),
    ("check", "kanban.cli.operations:check"),
    ("backup", "kanban.cli.operations:backup"),
    ("restore", "kanban.cli.operations:restore_command"),
    ("notify", "kanban.cli.notify:notify_group"),
    ("worker", "kanban.cli.jobs:worker"),
    ("jobs", "kanban.cli.jobs:jobs_group"),
)


def register_commands(app: Flask) -> None:
    from kanban.cli.lazy import lazy_command
    from kanban.plugins import get_plugin_manager

    for name, target in CORE_COMMANDS:
        app.cli.add_command(lazy_command(name, target))
    for commands in get_plugin_manager(app).hook.kanban_register_commands():
        for command in commands or []:
            app.cli.add_command(command)


def create_command_app() -> Flask:
    """Create the application a command runs in, then let the garbage collector work again.

    While the ``kanban`` process starts, the collector is paused (``KanbanGroup.__call__``):
    modules, models and settings live as long as the process, yet each full collection walks
    them all, and so would the interpreter's last ones at exit, in a command that may last a
    fraction of a second (an MTA pipes one message per process). They are set aside
    (``gc.freeze``), so the collector looks only at what the command itself makes.
    """
    app = create_app()
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
    return app


@contextmanager
def loading_modules() -> Iterator[None]:
    """Import a command's own modules with the collector paused, then set them aside with the
    app's (see ``create_command_app``): a command imported when run, such as ``kanban mail
    ingest``, loads most of what it uses after the app is built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


class KanbanGroup(FlaskGroup):
    """Flask's command group, quick to start for a command that stores one message."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        gc.disable()  # until the application is built: see create_command_app
        return super().__call__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a setting the app cannot start with, or a database out of reach,
        is said in one sentence (a command run by cron mails what it prints), not as a
        traceback."""
        from kanban.instance import BadSetting

        try:
            return super().invoke(ctx)
        except BadSetting as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:
            from kanban.outages import is_lock_timeout, is_unavailable

            if not is_unavailable(exc):
                raise
            if is_lock_timeout(exc):
                raise click.ClickException(locked_database(ctx)) from None
            raise click.ClickException(unreachable_database(ctx, exc)) from None

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[
            str | None, click.Command | None, list[str]]:
        """Find the command to run; ``kanban check`` of an app that cannot start (a setting
        it refuses) lists that setting as a failed check."""
        from kanban.instance import BadSetting

        try:
            return super().resolve_command(ctx, args)
        except BadSetting as exc:
            if args and args[0] == "check":
                from kanban.cli.operations import refused_setting_check

                return "check", refused_setting_check(str(exc)), args[1:]
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The commands ``kanban --help`` lists; a setting the app cannot start with is said
        in one sentence above Flask's own commands, not as a traceback."""
        from kanban.instance import BadSetting

        try:
            ctx.ensure_object(ScriptInfo).load_app()
        except BadSetting as exc:
            click.secho(f"Error: {exc}\n", err=True, fg="red")
            return sorted(click.Group.list_commands(self, ctx))
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Find a command, loading installed Flask extensions' commands (``flask.commands``
        entry points, such as Flask-Limiter's ``limiter``) only when one of them is asked
        for: they import libraries of their own that the app's commands never use."""
        if name in _extension_command_names():
            command = super().get_command(ctx, name)
            with suppress(NoAppException):  # then the command says so, as Flask's do
                app = ctx.ensure_object(ScriptInfo).load_app()
                if name not in app.cli.commands:  # they read what the web side sets up
                    app.load_web()  # (such as the limiter and its routes' limits)
            return command
        loaded = self._loaded_plugin_commands
        self._loaded_plugin_commands = True  # Flask's own check: skip the loading this once
        try:
            return super().get_command(ctx, name)
        finally:
            self._loaded_plugin_commands = loaded


def unreachable_database(ctx: click.Context, exc: BaseException) -> str:
    """Say, in the team's language, that the database did not answer, with the driver's own
    first line of why."""
    from flask_babel import gettext as _

    from kanban.outages import driver_reason

    with ctx.ensure_object(ScriptInfo).load_app().app_context():
        return _("The database did not answer (%(reason)s). Check KANBAN_DATABASE_URL and that "
                 "the database server is running, then run the command again.",
                 reason=driver_reason(exc))


def locked_database(ctx: click.Context) -> str:
    """Say, in the team's language, that another session's lock outlasted the wait."""
    from flask import current_app
    from flask_babel import gettext as _

    with ctx.ensure_object(ScriptInfo).load_app().app_context():
        seconds = current_app.config["MIGRATION_LOCK_TIMEOUT_SECONDS"]
        return _("Another session holds a lock on the database (a pg_dump backup, a long "
                 "query, a psql session left open) and did not release it in time. Run the "
                 "command again once it has ended (kanban db upgrade waits up to "
                 "%(seconds)d seconds: KANBAN_MIGRATION_LOCK_TIMEOUT_SECONDS).",
                 seconds=seconds)


def _extension_command_names() -> set[str]:
    from kanban.plugins import installed_entry_points

    return {ep.name for ep in installed_entry_points("flask.commands")}


@click.group(cls=KanbanGroup, create_app=create_command_app, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """Kanban: the lead pipeline for small sales teams."""
