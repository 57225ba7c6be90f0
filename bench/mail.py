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

Each path runs ``--rounds`` times on a fresh database; the best round counts.
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


def floor(messages: list[bytes]) -> float:
    parser = BytesParser(policy=policy.default)
    start = time.perf_counter()
    for raw in messages:
        parser.parsebytes(raw)
    return time.perf_counter() - start


def pipe(messages: list[bytes]) -> tuple[float, Counter]:
    with tempfile.TemporaryDirectory() as folder:
        app, address = fresh_app(Path(folder))
        from kanban_email_bcc.ingest import ingest_message

        outcomes: Counter = Counter()
        with app.app_context():
            start = time.perf_counter()
            for raw in messages:
                outcomes[ingest_message(raw, via="pipe", recipients=[address]).outcome] += 1
            elapsed = time.perf_counter() - start
        return elapsed, outcomes


def smtp(messages: list[bytes]) -> tuple[float, Counter]:
    # On the wire every line ends in CRLF.
    wire = [re.sub(rb"\r?\n", b"\r\n", raw) for raw in messages]
    with tempfile.TemporaryDirectory() as folder:
        app, address = fresh_app(Path(folder))
        from kanban_email_bcc.smtp import SmtpServer

        server = SmtpServer(app, "127.0.0.1", 0).start()
        outcomes: Counter = Counter()
        try:
            with smtplib.SMTP("127.0.0.1", server.port, timeout=60) as client:
                start = time.perf_counter()
                for raw in wire:
                    try:
                        client.sendmail("sam@acme.example", [address], raw)
                        outcomes["250"] += 1
                    except smtplib.SMTPResponseException as exc:
                        outcomes[str(exc.smtp_code)] += 1
                        client.rset()
                elapsed = time.perf_counter() - start
        finally:
            server.stop()
        return elapsed, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    messages = corpus()
    n = len(messages)
    size = sum(map(len, messages))
    print(f"corpus: {n} messages, {size / 1e6:.1f} MB, {args.rounds} rounds (best counts)")

    floor_time = min(floor(messages) for _ in range(args.rounds))
    pipe_runs = [pipe(messages) for _ in range(args.rounds)]
    smtp_runs = [smtp(messages) for _ in range(args.rounds)]
    pipe_time, pipe_outcomes = min(pipe_runs, key=lambda run: run[0])
    smtp_time, smtp_outcomes = min(smtp_runs, key=lambda run: run[0])

    floor_rate, pipe_rate, smtp_rate = n / floor_time, n / pipe_time, n / smtp_time
    print(f"floor (email parser alone): {floor_rate:8.1f} msg/s")
    print(f"pipe  (kanban mail ingest): {pipe_rate:8.1f} msg/s  "
          f"ratio {pipe_rate / floor_rate:.2f}  outcomes {dict(sorted(pipe_outcomes.items()))}")
    print(f"smtp  (kanban mail serve):  {smtp_rate:8.1f} msg/s  "
          f"ratio {smtp_rate / floor_rate:.2f}  replies {dict(sorted(smtp_outcomes.items()))}")
    for name, rate in (("pipe", pipe_rate), ("smtp", smtp_rate)):
        verdict = "meets" if rate / floor_rate >= TARGET else "misses"
        print(f"{name}: {verdict} the target of {TARGET:.0%} of the floor")


if __name__ == "__main__":
    main()
