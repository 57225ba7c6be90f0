"""``kanban db``: migrations for the core and every plugin's branch."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from kanban.migrating import schema_commands


@click.group("db")
def db_group() -> None:
    """Create or upgrade the database."""


@db_group.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
@with_appcontext
def upgrade(revision: str) -> None:
    """Bring the database to the newest schema (core and plugins)."""
    schema_commands().upgrade(revision=revision)


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade(revision: str) -> None:
    """Go back to an older schema revision."""
    schema_commands().downgrade(revision=revision)


@db_group.command("current")
@with_appcontext
def current() -> None:
    """Show the schema revision(s) the database is at."""
    schema_commands().current()


@db_group.command("heads")
@with_appcontext
def heads() -> None:
    """Show the newest revision of every branch."""
    schema_commands().heads()


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--head", default="core@head", show_default=True)
@click.option("--autogenerate/--empty", default=True)
@with_appcontext
def revision(message: str, head: str, autogenerate: bool) -> None:
    """Write a new revision file on a branch (for developers)."""
    schema_commands().revision(message=message, autogenerate=autogenerate, head=head)
