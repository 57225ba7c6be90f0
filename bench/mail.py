"""Dropbox messages per second through the pipe and SMTP paths, beside a floor measured
in this run.

Every file of the shared email corpora (mail/ and flanker/) is re-addressed to one
person's dropbox and ingested on a fresh SQLite file (WAL) in a temp dir:

* floor: Python's email parser alone (``BytesParser(policy=policy.default)``) on the
  same bytes;
* pipe: ``ingest_message(raw, via="pipe", recipients=[dropbox])``, in-process, as
  ``kanban mail ingest --recipient`` calls it: parse, match, lead, timeline entry, log;
* SMTP: a real aiosmtpd server on a loopback port (``kanban mail serve``'s), one
  smtplib client connection sending every message (RCPT checks the dropbox, DATA
  answers once the message is stored).

Each round runs the floor, the pipe and SMTP one after the other (each path on a fresh
database), so that all three see the same load on a shared machine; the best round of
each counts. Rates are given by wall-clock time and by the process's CPU time (the
SMTP server runs in this process too), since other work on the machine stretches
wall-clock time unevenly.
Run: .venv/bin/python bench/mail.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import re
import smtplib
import sys
import tempfile
import time
from collections import Counter
from email import policy
from email.parser import BytesParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "email"
NOT_MAIL = {"LICENSE", "SOURCES.md"}
TARGET = 0.40


def corpus() -> list[bytes]:
    files = sorted(
        path for sub in ("mail", "flanker") for path in (CORPUS / sub).rglob("*")
        if path.is_file() and path.name not in NOT_MAIL
    )
    if not files:
        sys.exit(f"No corpus at {CORPUS}")
    return [path.read_bytes() for path in files]


def fresh_app(folder: Path):
    """An app with the email_bcc plugin on a new SQLite file, one pipeline, one person."""
    os.environ["KANBAN_INSTANCE_PATH"] = str(folder / "instance")
    from kanban.app import create_app
    from kanban.extensions import db
    from kanban.models import Pipeline, Stage, User

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
        "SECRET_KEY": "bench", "PLUGINS": ["email_bcc"], "PLUGINS_STRICT": True,
        "EMAIL_BCC_DOMAIN": "crm.example.com",
    })
    with app.app_context():
        from kanban_email_bcc.dropbox import dropbox_address, get_dropbox

        db.create_all()
        pipeline = Pipeline(name="Sales", position=0)
        pipeline.stages.append(Stage(name="New", position=0))
        db.session.add(pipeline)
        user = User(email="sam@acme.example", name="Sam Seller", role="member")
        db.session.add(user)
        db.session.commit()
        address = dropbox_address(get_dropbox(user))
    return app, address


class Timer:
    """Wall-clock and CPU seconds of a block."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def floor(messages: list[bytes]) -> tuple[Timer, Counter]:
    parser = BytesParser(policy=policy.default)
    with Timer() as timer:
        for raw in messages:
            parser.parsebytes(raw)
    return timer, Counter(parsed=len(messages))


def pipe(messages: list[bytes]) -> tuple[Timer, Counter]:
    with tempfile.TemporaryDirectory() as folder:
        app, address = fresh_app(Path(folder))
        from kanban_email_bcc.ingest import ingest_message

        outcomes: Counter = Counter()
        with app.app_context(), Timer() as timer:
            for raw in messages:
                outcomes[ingest_message(raw, via="pipe", recipients=[address]).outcome] += 1
        return timer, outcomes


def smtp(messages: list[bytes]) -> tuple[Timer, Counter]:
    # On the wire every line ends in CRLF.
    wire = [re.sub(rb"\r?\n", b"\r\n", raw) for raw in messages]
    with tempfile.TemporaryDirectory() as folder:
        app, address = fresh_app(Path(folder))
        from kanban_email_bcc.smtp import SmtpServer

        server = SmtpServer(app, "127.0.0.1", 0).start()
        outcomes: Counter = Counter()
        try:
            with smtplib.SMTP("127.0.0.1", server.port, timeout=60) as client, Timer() as timer:
                for raw in wire:
                    try:
                        client.sendmail("sam@acme.example", [address], raw)
                        outcomes["250"] += 1
                    except smtplib.SMTPResponseException as exc:
                        outcomes[str(exc.smtp_code)] += 1
                        client.rset()
        finally:
            server.stop()
        return timer, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    messages = corpus()
    n = len(messages)
    size = sum(map(len, messages))
    print(f"corpus: {n} messages, {size / 1e6:.1f} MB, {args.rounds} rounds (best counts)")

    runs: dict[str, list[tuple[Timer, Counter]]] = {"floor": [], "pipe": [], "smtp": []}
    for _ in range(args.rounds):
        for name, path in (("floor", floor), ("pipe", pipe), ("smtp", smtp)):
            runs[name].append(path(messages))
    best = {
        name: (min(t.wall for t, _ in found), min(t.cpu for t, _ in found), found[-1][1])
        for name, found in runs.items()
    }
    floor_wall, floor_cpu, _ = best["floor"]
    labels = {"floor": "floor (email parser alone)", "pipe": "pipe  (kanban mail ingest)",
              "smtp": "smtp  (kanban mail serve) "}
    for name, (wall, cpu, outcomes) in best.items():
        line = f"{labels[name]}: {n / wall:6.1f} msg/s wall, {n / cpu:6.1f} msg/s CPU"
        if name != "floor":
            line += (f"  ratio {floor_wall / wall:.2f} wall, {floor_cpu / cpu:.2f} CPU"
                     f"  {dict(sorted(outcomes.items()))}")
        print(line)
    for name in ("pipe", "smtp"):
        wall, cpu, _ = best[name]
        for kind, ratio in (("wall", floor_wall / wall), ("CPU", floor_cpu / cpu)):
            verdict = "meets" if ratio >= TARGET else "misses"
            print(f"{name}: {verdict} the target of {TARGET:.0%} of the floor by {kind} time "
                  f"({ratio:.0%})")


if __name__ == "__main__":
    main()
