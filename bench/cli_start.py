"""How long the ``kanban`` command takes to start, and to store one piped message, each
beside its floor measured in the same run, best of N, taken in turns.

Run from the repository: ``.venv/bin/python bench/cli_start.py [--runs 15]``. Two commands
are timed, in a fresh instance with its SQLite database:

- ``kanban mail ingest --help``: the whole application is built (settings, plugins,
  commands), as for an MTA piping one message, but nothing is read or written. Its floor
  is Python importing Flask and SQLAlchemy.
- ``kanban mail ingest --recipient DROPBOX`` with one small message on standard input, as
  an MTA's pipe transport runs it: the message is read, the app built, the message stored
  on its lead. Its floor is Python importing Flask and SQLAlchemy, reading the message,
  opening a SQLite file and committing one INSERT of it.

Both sides run from compiled byte code, as installed: the libraries of the floor were compiled
by pip, and the first (untimed) run of ``kanban`` writes the app's ``__pycache__``, even when
the shell sets PYTHONDONTWRITEBYTECODE (which would make every run compile the app anew, a
cost no installation pays).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

BIN = Path(sys.executable).parent
TEAM_DOMAIN = "example.com"  # the first-run admin is admin@example.com
PROSPECT = "Paula Prospect <paula@prospect.example>"

# The set-up an MTA relies on: a pipeline, a teammate, their dropbox address.
SETUP = """
from kanban.app import create_app
from kanban.models import User
from kanban_email_bcc.dropbox import dropbox_address, get_dropbox
from kanban.extensions import db
from sqlalchemy import select
app = create_app()
with app.app_context():
    user = db.session.scalars(select(User).order_by(User.id)).first()
    print(user.email, dropbox_address(get_dropbox(user)))
"""

# Import Flask and SQLAlchemy, read the message, store it with one INSERT in SQLite.
FLOOR_INGEST = """
import sys, flask, sqlalchemy
raw = sys.stdin.buffer.read()
engine = sqlalchemy.create_engine(sys.argv[1])
with engine.begin() as connection:
    connection.exec_driver_sql("INSERT INTO message (raw) VALUES (?)", (raw,))
"""


def seconds(command: list[str], env: dict[str, str], stdin: bytes | None = None,
            expect: str = "") -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, check=True, input=stdin, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if expect and not done.stderr.decode().startswith(expect):
        raise SystemExit(f"{' '.join(command)} did not answer {expect!r}: {done.stderr!r}")
    return elapsed


def message(sender: str) -> bytes:
    """Return a small message from a teammate to a prospect (BCC'd: the dropbox is only on
    the envelope)."""
    mail = EmailMessage()
    mail["From"] = f"Admin <{sender}>"
    mail["To"] = PROSPECT
    mail["Subject"] = "Our offer"
    mail["Message-ID"] = make_msgid(domain="bench.test")
    mail.set_content("Hello Paula,\n\nhere is our offer, as promised.\n\nAdmin\n")
    return bytes(mail)


def without_bytecode_ban(environ: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in environ.items()
            if name != "PYTHONDONTWRITEBYTECODE"}


def prepare(instance: str) -> tuple[dict[str, str], str, str, str]:
    """Create the instance's database, an admin with a pipeline, and their dropbox."""
    env = {**without_bytecode_ban(os.environ), "KANBAN_INSTANCE_PATH": instance,
           "KANBAN_DATABASE_URL": f"sqlite:///{Path(instance) / 'kanban.db'}",
           "KANBAN_EMAIL_BCC_TEAM_DOMAINS": TEAM_DOMAIN}
    kanban = str(BIN / "kanban")
    for command in ([kanban, "db", "upgrade"], [kanban, "first-run"]):
        subprocess.run(command, env=env, check=True, capture_output=True)
    found = subprocess.run([sys.executable, "-c", SETUP], env=env, check=True,
                           capture_output=True, text=True).stdout.split()
    sender, dropbox = found[-2], found[-1]
    floor_url = f"sqlite:///{Path(instance) / 'floor.db'}"
    subprocess.run([sys.executable, "-c",
                    "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("
                    "'CREATE TABLE message (id INTEGER PRIMARY KEY, raw BLOB)')",
                    str(Path(instance) / "floor.db")], check=True)
    return env, sender, dropbox, floor_url


def report(label: str, floor_label: str, floors: list[float], times: list[float]) -> None:
    floor, best = min(floors), min(times)
    runs = len(times)
    print(f"floor ({floor_label}, best of {runs}): {floor * 1000:.0f} ms")
    print(f"{label} (best of {runs}): {best * 1000:.0f} ms "
          f"= {best / floor:.2f}x the floor (target: at most 1.5x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    instance = tempfile.mkdtemp(prefix="kanban-bench-cli-")
    env, sender, dropbox, floor_url = prepare(instance)
    floor_command = [sys.executable, "-c", "import flask, sqlalchemy"]
    floor_ingest = [sys.executable, "-c", FLOOR_INGEST, floor_url]
    help_command = [str(BIN / "kanban"), "mail", "ingest", "--help"]
    ingest_command = [str(BIN / "kanban"), "mail", "ingest", "--recipient", dropbox]
    seconds(help_command, env)  # writes the byte code of what the commands import
    seconds(ingest_command, env, message(sender), expect="stored")  # makes the lead
    floors, helps, ingest_floors, ingests = [], [], [], []
    for _run in range(runs):
        floors.append(seconds(floor_command, env))
        helps.append(seconds(help_command, env))
        ingest_floors.append(seconds(floor_ingest, env, message(sender)))
        ingests.append(seconds(ingest_command, env, message(sender),
                               expect="stored: attached"))
    report("kanban mail ingest --help", "python -c 'import flask, sqlalchemy'", floors, helps)
    report("kanban mail ingest of one message", "import flask, sqlalchemy + one INSERT in "
           "SQLite", ingest_floors, ingests)


if __name__ == "__main__":
    main()
