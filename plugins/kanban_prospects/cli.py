"""``kanban prospects list`` and ``kanban prospects import FILE``: the lists from the
server's command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import User
from kanban.tables.reading import CsvProblem, open_table
from kanban_prospects.lists import all_lists, columns_from, create_list, guess_fields, import_table
from kanban_prospects.progress import progress_of


@click.group("prospects")
def prospects_group() -> None:
    """Prospect lists."""


@prospects_group.command("list")
@with_appcontext
def list_command() -> None:
    """Show each list with its progress."""
    lists = all_lists()
    progress = progress_of([plist.id for plist in lists])
    for plist in lists:
        done = progress[plist.id]
        click.echo("\t".join([str(plist.id), plist.name,
                               _("rows %(count)d", count=done.rows),
                               _("contacted %(count)d", count=done.contacted),
                               _("leads %(count)d", count=done.leads),
                               _("won %(count)d", count=done.won)]))


@prospects_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="The list's name.")
@click.option("--user", "email", required=True, help="The email of the list's owner.")
@with_appcontext
def import_command(path: Path, name: str, email: str) -> None:
    """Import a CSV file into a new list, its columns guessed from the header."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise click.UsageError(_("No active user has the email %(email)s.", email=email))
    try:
        table = open_table(path)
    except CsvProblem as problem:
        raise click.ClickException(problem.message) from None
    fields = guess_fields(table.header)
    plist = create_list(name, columns_from(table.header, fields), user=user, filename=path.name)
    added = import_table(plist, table, fields, user=user)
    click.echo(_("List %(id)d (%(name)s): %(count)d rows.", id=plist.id, name=plist.name,
                 count=added))
