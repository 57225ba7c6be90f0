"""Setting up, demo data, plugins and repairs."""

from __future__ import annotations

import secrets
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from kanban.demo import (
    create_demo_data,
    create_demo_history,
    demo_lead_ids,
    demo_people,
    remove_demo_data,
)
from kanban.extensions import db
from kanban.models import Lead, Role, User
from kanban.plugins import hook_reference, plugin_report
from kanban.services.ordering import repair_ranks as fix_ranks
from kanban.services.users import create_user


@click.group("demo", invoke_without_command=True)
@click.option("--leads", "count", default=60, show_default=True, help="How many demo leads.")
@with_appcontext
@click.pass_context
def demo(context: click.Context, count: int) -> None:
    """Fill the database with a demo pipeline and realistic leads (`kanban demo remove`
    takes them away)."""
    if context.invoked_subcommand is not None:
        return
    created = create_demo_data(count)
    history = create_demo_history(max(10, count // 2))
    click.echo(_("Created %(created)d demo leads and %(history)d closed ones.", created=created,
                 history=history))


@demo.command("remove")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def remove_demo(yes: bool) -> None:
    """Delete the demo's leads, its colleagues (Ana Silva, Marco Rossi…) and their folders."""
    leads, people = len(demo_lead_ids()), len(demo_people())
    if not leads and not people:
        click.echo(_("There is no demo data to remove."))
        return
    if not yes and not click.confirm(_(
            "Delete the demo's leads (%(leads)d) and colleagues (%(people)d)?",
            leads=leads, people=people), default=False):
        click.echo(_("Nothing was removed."))
        sys.exit(1)
    removed = remove_demo_data()
    click.echo(_("Removed the demo's leads (%(leads)d), colleagues (%(people)d) and client "
                 "folders (%(folders)d).", leads=removed.leads, people=removed.people,
                 folders=removed.folders))


@click.command("first-run")
@click.option("--address", default="http://127.0.0.1:5000", show_default=True,
              help="Where the app is served, for the login line (KANBAN_PUBLIC_URL wins).")
@with_appcontext
def first_run(address: str) -> None:
    """On an empty installation, create an admin (and print the login) and demo data."""
    if db.session.scalar(select(func.count(User.id))):
        click.echo(_("Kanban is already set up."))
        return
    password = secrets.token_urlsafe(9)
    admin = create_user(email="admin@example.com", name="Admin", role=Role.ADMIN,
                        password=password)
    if not db.session.scalar(select(func.count(Lead.id))):
        create_demo_data(60, owner=admin)
        create_demo_history(40)
    address = current_app.config.get("PUBLIC_URL") or address
    login = [(_("email:"), admin.email), (_("password:"), password)]
    width = max(len(label) for label, _value in login)
    click.echo("")
    click.echo("  " + _("Kanban is ready. Log in at %(address)s with", address=address))
    for label, value in login:
        click.echo(f"    {label.ljust(width)} {value}")
    click.echo("  " + _("(change the password on your profile page)"))
    click.echo("")


@click.command("plugins")
@click.option("--reference", is_flag=True, help="Print the hook reference (Markdown) instead.")
@with_appcontext
def plugins(reference: bool) -> None:
    """List loaded plugins and the hooks each implements."""
    if reference:
        click.echo(hook_reference())
        return
    for row in plugin_report(current_app):
        if row["error"]:
            click.echo(_("%(plugin)s: FAILED TO LOAD: %(error)s", plugin=row["name"],
                         error=row["error"]))
        else:
            click.echo(f"{row['name']}: {', '.join(row['hooks']) or _('(no hooks)')}")


@click.command("repair-ranks")
@click.option("--stage", "stage_id", type=int, default=None, help="Only this stage.")
@with_appcontext
def repair_ranks(stage_id: int | None) -> None:
    """Give every column fresh, evenly spaced order keys, keeping the order."""
    count = fix_ranks(stage_id)
    click.echo(ngettext("Repaired %(num)d column.", "Repaired %(num)d columns.", count))
