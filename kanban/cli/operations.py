"""Running an installation: checking its configuration, backing up and restoring."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from kanban.extensions import db
from kanban.services.backup import (
    BackupError,
    back_up,
    dated_backup_name,
    pg_dump_to,
    remove_older_backups,
    restore,
    sqlite_file,
)
from kanban.services.setup_check import ERROR, Problem, configuration_problems


@click.command("check")
@with_appcontext
def check() -> None:
    """Check the configuration; exit non-zero when something would break."""
    report_problems(configuration_problems(current_app))


def refused_setting_check(message: str) -> click.Command:
    """``kanban check`` where the application cannot start: the setting it refused (the
    message names it) is the failed check."""

    @click.command("check", help=check.help)
    def check_refused_setting() -> None:
        report_problems([Problem(ERROR, message)])

    return check_refused_setting


def report_problems(problems: list[Problem]) -> None:
    """Print one line per problem and a verdict; exit 1 when one of them is an error."""
    for problem in problems:
        click.echo(problem_line(problem))
    errors = sum(problem.level == ERROR for problem in problems)
    if errors:
        click.echo(ngettext("%(num)d error: Kanban would not work safely until it is fixed.",
                            "%(num)d errors: Kanban would not work safely until they are fixed.",
                            errors))
        sys.exit(1)
    click.echo(_("The configuration looks right.") if not problems else
               _("No errors; the warnings are worth fixing."))


def problem_line(problem: Problem) -> str:
    """Say a problem on one line, its level first."""
    if problem.level == ERROR:
        return _("ERROR: %(problem)s", problem=problem.message)
    return _("WARNING: %(problem)s", problem=problem.message)


def pg_restore_hint() -> str:
    """Say how a pg_dump copy goes back, as the README's step 5 shows in full."""
    return _("stop the app and its worker, then restore as the postgres superuser with "
             "pg_restore --clean --if-exists --single-transaction --dbname=DATABASE FILE "
             "(README: Production, step 5)")


def live_sqlite_file() -> Path | None:
    return sqlite_file(current_app.config["SQLALCHEMY_DATABASE_URI"])


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Write the copy into this existing folder, named after the moment "
                   "(kanban-2026-12-07-023000.db, or .dump on PostgreSQL; UTC).")
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="With --dir: then remove all but the newest N copies so named there "
                   "(no other file).")
@with_appcontext
def backup(path: Path | None, folder: Path | None, keep: int | None) -> None:
    """Copy the database to PATH, or into a folder with --dir, while Kanban keeps running
    (on PostgreSQL, with pg_dump)."""
    if (path is None) == (folder is None):
        raise click.UsageError(_("Give either a file to write the copy to, or --dir FOLDER."))
    if keep is not None and folder is None:
        raise click.UsageError(_("--keep removes older copies from the --dir folder: give "
                                 "--dir too."))
    live = live_sqlite_file()
    if folder is not None:
        if not folder.is_dir():
            click.echo(_("The folder %(folder)s does not exist: create it first, owned by "
                         "the user who runs the backup (nothing was copied).",
                         folder=folder), err=True)
            sys.exit(1)
        path = folder / dated_backup_name(".db" if live else ".dump")
    try:
        if live is None:
            pg_dump_to(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
        else:
            back_up(live, path)
    except BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    if live is None:
        click.echo(_("Backed up the PostgreSQL database to %(path)s (pg_restore reads it back; "
                     "%(hint)s).", path=path, hint=pg_restore_hint()))
    else:
        click.echo(_("Backed up %(database)s to %(path)s (integrity check passed).",
                     database=live, path=path))
    if folder is not None and keep is not None:
        for old in remove_older_backups(folder, path.suffix, keep):
            click.echo(_("Removed the older copy %(path)s.", path=old))


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH."""
    live = live_sqlite_file()
    if live is None:
        click.echo(_("This database is PostgreSQL: %(hint)s.", hint=pg_restore_hint()), err=True)
        sys.exit(2)
    if not yes and not click.confirm(_(
            "Replace every lead and user in %(database)s with the backup %(path)s?",
            database=live, path=path), default=False):
        click.echo(_("Nothing was restored."))
        sys.exit(1)
    db.session.remove()
    db.engine.dispose()
    try:
        kept = restore(path, live)
    except BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    if kept:
        click.echo(_("The database before the restore is kept at %(path)s.", path=kept))
    click.echo(_("Restored %(path)s into %(database)s.", path=path, database=live))

