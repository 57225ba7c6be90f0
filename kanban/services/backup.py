"""Copies of the database taken while the app keeps writing, and putting a SQLite one back.

On SQLite both directions go through SQLite's backup API, so a copy is one consistent
moment and a restore reaches every open connection (WAL included) as an ordinary write.
On PostgreSQL the copy is pg_dump's, in its custom format, checked by pg_restore."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.engine import make_url

from kanban.private_files import PRIVATE_MODE, create_private_file

KANBAN_TABLES = {"users", "pipelines", "stages", "leads"}
LEADS_DATA = re.compile(r" TABLE DATA \S+ leads ")  # the leads' rows, in pg_restore --list
# The copies ``kanban backup --dir`` names itself (the moment in UTC), and the only files it
# ever removes from that folder: kanban-2026-12-07-023000.db (SQLite), ….dump (PostgreSQL).
DATED_BACKUP = re.compile(r"kanban-\d{4}-\d{2}-\d{2}-\d{6}\.(db|dump)")


class BackupError(RuntimeError):
    """The copy or the restore cannot be done; the message says what to do, in the team's
    language."""


def sqlite_file(database_url: str) -> Path | None:
    """The database file of a SQLite URL, None for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def pg_dump_command(database_url: str, target: Path) -> list[str]:
    """The pg_dump command that backs up this PostgreSQL database (without its password)."""
    url = make_url(database_url)
    parts = ["pg_dump", "--format=custom", f"--file={target}"]
    if url.host:
        parts.append(f"--host={url.host}")
    if url.port:
        parts.append(f"--port={url.port}")
    if url.username:
        parts.append(f"--username={url.username}")
    parts.append(url.database or "")
    return parts


def pg_dump_to(database_url: str, target: Path) -> None:
    """Dump the PostgreSQL database into the new file ``target`` (owner-only) and check
    that pg_restore reads its leads back. The password goes to pg_dump in its environment,
    never on its command line."""
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        raise BackupError(_(
            "pg_dump is not installed here (Debian: apt install postgresql-client). Run this "
            "where it is: %(command)s", command=shlex.join(pg_dump_command(database_url, target))))
    _check_target(target)
    url = make_url(database_url)
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    create_private_file(target)
    dump = subprocess.run(pg_dump_command(database_url, target), env=environment,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True,
                             text=True) if dump.returncode == 0 else None
    if listing is None or listing.returncode != 0 or not LEADS_DATA.search(listing.stdout):
        target.unlink(missing_ok=True)
        said = (dump.stderr if listing is None else listing.stderr).strip()
        raise BackupError(_("The copy failed (%(reason)s); nothing was kept.",
                            reason=said or _("it holds no leads")))


def _check_target(target: Path) -> None:
    if target.exists():
        raise BackupError(_("%(path)s already exists: choose a new file name.", path=target))
    if not target.parent.is_dir():
        raise BackupError(_("The folder %(folder)s does not exist: create it first.",
                            folder=target.parent))


def dated_backup_name(suffix: str, moment: datetime | None = None) -> str:
    """Name a copy after the moment it is taken (UTC), so names sort oldest first."""
    moment = moment or datetime.now(UTC)
    return f"kanban-{moment.astimezone(UTC):%Y-%m-%d-%H%M%S}{suffix}"


def dated_backups(folder: Path, suffix: str) -> list[Path]:
    """The copies of this kind (``.db`` or ``.dump``) named by ``kanban backup --dir`` in
    ``folder``, oldest first; no other file."""
    return sorted(path for path in folder.iterdir()
                  if DATED_BACKUP.fullmatch(path.name) and path.suffix == suffix
                  and path.is_file() and not path.is_symlink())


def remove_older_backups(folder: Path, suffix: str, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` dated copies of this kind in ``folder``; return the
    ones removed."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    removed = dated_backups(folder, suffix)[:-keep]
    for path in removed:
        path.unlink()
    return removed


def integrity_problem(path: Path) -> str | None:
    """None when SQLite's integrity check passes on the file, else what it found."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    result = "; ".join(str(row[0]) for row in rows)
    return None if result == "ok" else result


def kanban_problem(path: Path) -> str | None:
    """None when the file is an intact Kanban database, else why it is not."""
    if not path.is_file():
        return _("%(path)s does not exist", path=path)
    problem = integrity_problem(path)
    if problem:
        return _("%(path)s is not an intact SQLite database: %(problem)s", path=path,
                 problem=problem)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in
                  connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        connection.close()
    if not tables >= KANBAN_TABLES:
        return _("%(path)s is not a Kanban database (it has no leads, pipelines or users)",
                 path=path)
    return None


def copy_database(source: Path, target: Path) -> None:
    """Copy the live database ``source`` into the new file ``target`` (owner-only)."""
    create_private_file(target)
    try:
        live = sqlite3.connect(source)
        copy = sqlite3.connect(target)
        try:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
            live.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def back_up(source: Path, target: Path) -> None:
    """Take a verified copy of the live SQLite database."""
    if not source.is_file():
        raise BackupError(_("There is no database at %(path)s to back up.", path=source))
    _check_target(target)
    copy_database(source, target)
    problem = integrity_problem(target)
    if problem:
        target.unlink(missing_ok=True)
        raise BackupError(_("The copy failed its integrity check (%(problem)s); try again.",
                            problem=problem))


def keep_current(live: Path) -> Path:
    """Copy the live database beside itself before it is replaced; return the copy."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    kept = live.with_name(f"{live.name}.before-restore-{stamp}")
    copy_database(live, kept)
    return kept


def restore(backup: Path, live: Path) -> Path | None:
    """Write the backup into the live database; return where the old one was kept."""
    problem = kanban_problem(backup)
    if problem:
        raise BackupError(_("Nothing was restored: %(problem)s.", problem=problem))
    kept = keep_current(live) if live.exists() else None
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    target = sqlite3.connect(live)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    live.chmod(PRIVATE_MODE)
    return kept
