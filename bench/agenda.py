"""How fast today's agenda and the results page are with 10,000 leads and 100,000
timeline entries.

    .venv/bin/python bench/agenda.py [--postgres URL] [--leads 10000] [--activities 100000]

SQLite in a temporary folder always; PostgreSQL too, in a database of its own created and
dropped here, when --postgres or KANBAN_BENCH_DATABASE_URL is given. For each page it
prints the server time (test client GET as a logged-in salesperson, median of several
runs) beside two floors measured in the same run on the same engine: the page's main SQL
statement run through SQLAlchemy Core alone (the agenda's follow-up list; the results'
won-by-source grouping), and every SQL statement the page sent, run bare on the DB-API
connection right after each GET. PostgreSQL is analysed after the load, as autovacuum would.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from floors import page_beside_bare  # noqa: E402  (before the app: see floors.py)
from move import postgres_database  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from kanban.app import create_app  # noqa: E402
from kanban.demo import demo_pipeline  # noqa: E402
from kanban.extensions import db  # noqa: E402
from kanban.models import Activity, Client, Lead, LeadTag, User  # noqa: E402
from kanban.models.base import today  # noqa: E402
from kanban.ranking import evenly_spaced  # noqa: E402
from kanban.services.agenda import AGENDA_LIMIT, AgendaFilter, follow_ups_statement  # noqa: E402
from kanban.services.periods import period_for  # noqa: E402
from kanban.services.results import SOURCE, closing_statement  # noqa: E402

RUNS = 9
TEAM = 5
SOURCES = ["manual", "web form: Contact", "web form: Quote", "email", "import", "referral"]
KINDS = ["call", "call", "email", "email", "note", "meeting", "stage_change", "edit"]
REASONS = ["Price", "Chose a competitor", "No budget: they froze spending", "No answer",
           "Timing", "Went with their cousin"]


def fill(leads: int, activities: int, seed: int = 7) -> int:
    """Write the data set with bulk inserts; return the id of the person whose agenda is shown."""
    rng = random.Random(seed)
    pipeline = demo_pipeline()
    stages = pipeline.stages
    people = [User(email=f"seller{i}@example.com", name=f"Seller {i}", role="member")
              for i in range(TEAM)]
    db.session.add_all(people)
    folders = [Client(name=f"Client company {i}", rating=rng.choice("ABCD"))
               for i in range(300)]
    db.session.add_all(folders)
    db.session.commit()
    now = datetime.now(UTC)
    day = today()
    rows, per_stage = [], {stage.id: 0 for stage in stages}
    for index in range(leads):
        stage = rng.choice(stages)
        per_stage[stage.id] += 1
        created = now - timedelta(days=rng.randint(0, 360), minutes=rng.randint(0, 1440))
        status = rng.choices(["open", "won", "lost", "cancelled"], [70, 14, 13, 3])[0]
        closed = created + timedelta(days=rng.randint(1, 90)) if status != "open" else None
        if closed and closed > now:
            closed = now
        due = day + timedelta(days=rng.choice([-9, -3, -1, 0, 0, 0, 2, 7, 20, 60]))
        rows.append({
            "title": f"Lead {index}", "value": rng.randrange(200, 50000, 50), "currency": "EUR",
            "contact_name": f"Contact {index}", "company": f"Company {index % 2000}",
            "email": f"contact{index % 6000}@company{index % 2000}.example", "phone": "",
            "source": rng.choice(SOURCES), "owner_id": rng.choice(people).id,
            "priority": rng.choice([1, 2, 2, 3]), "starred": rng.random() < 0.05,
            "client_id": rng.choice(folders).id if rng.random() < 0.3 else None,
            "description": "", "custom_fields": {}, "stage_id": stage.id,
            "rank": "", "status": status,
            "lost_reason": rng.choice(REASONS) if status == "lost" else "",
            "next_action_kind": "standby" if due > day and status == "open" else "todo",
            "next_action_date": due if status == "open" else None,
            "next_action_text": "Call back", "created_at": created,
            "updated_at": closed or created, "closed_at": closed,
            "touched_at": created + timedelta(days=rng.randint(0, 30)), "version": 1,
        })
    keys = {stage.id: iter(evenly_spaced(count)) for stage, count in
            ((s, per_stage[s.id]) for s in stages)}
    for row in rows:
        row["rank"] = next(keys[row["stage_id"]])
    db.session.execute(insert(Lead), rows)
    ids = list(db.session.scalars(select(Lead.id)))
    db.session.execute(insert(LeadTag), [{"lead_id": i, "tag": "fair"} for i in ids[::7]])
    proposal = next(stage for stage in stages if stage.is_proposal)
    entries = []
    for _index in range(activities):
        kind = rng.choice(KINDS)
        payload = {"to_stage_id": proposal.id, "to": proposal.name} if kind == "stage_change" \
            else {}
        entries.append({
            "lead_id": rng.choice(ids), "author_id": rng.choice(people).id, "kind": kind,
            "body": "Spoke with them about the quote; they call back after the meeting.",
            "payload": payload,
            "created_at": now - timedelta(days=rng.randint(0, 360), seconds=rng.randint(0, 86400)),
        })
    for start in range(0, len(entries), 10_000):
        db.session.execute(insert(Activity), entries[start:start + 10_000])
    db.session.commit()
    return people[0].id


def main_statement_ms(statement) -> float:
    """Run the page's main statement through SQLAlchemy Core alone (no ORM, no page)."""
    times = []
    with db.engine.connect() as connection:
        for _run in range(RUNS):
            start = time.perf_counter()
            connection.execute(statement).all()
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(url: str, leads: int, activities: int) -> list[tuple]:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KANBAN_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{Path(tmp) / 'bench.db'}",
            "SECRET_KEY": "bench", "PLUGINS": [], "RATELIMIT_ENABLED": False,
        })
        with app.app_context():
            db.create_all()
            person_id = fill(leads, activities)
            if db.engine.dialect.name == "postgresql":
                # What autovacuum does after a load: the planner needs the statistics.
                with db.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                ) as connection:
                    connection.exec_driver_sql("ANALYZE")
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = db.session.get(User, person_id).get_id()
                session["_fresh"] = True
            day = today()
            mine = AgendaFilter(owner_id=person_id)
            team = AgendaFilter(owner_id=None)
            year = period_for("last_12_months", day)
            pages = [
                ("agenda, one salesperson", "/agenda", follow_ups_statement(mine, day)),
                ("agenda, whole team", "/agenda?owner_id=all", follow_ups_statement(team, day)),
                ("results, this month", "/results", None),
                ("results, last 12 months", "/results?period=last_12_months",
                 closing_statement(year, SOURCE)),
            ]
            rows = []
            for label, page_url, main in pages:
                page_ms, all_ms, count, size = page_beside_bare(db.engine, client, page_url,
                                                                RUNS)
                if main is None:
                    main = closing_statement(period_for("this_month", day), SOURCE)
                rows.append((label, page_ms, main_statement_ms(main.limit(AGENDA_LIMIT)
                                                               if "agenda" in label else main),
                             all_ms, count, size))
            db.session.remove()
            db.engine.dispose()
        return rows


def report(database: str, rows) -> None:
    print(f"\n{database}: median of {RUNS} runs, ms")
    print(f"{'page':<26} {'page':>8} {'main SQL':>9} {'all SQL':>8} {'page/all':>9} "
          f"{'queries':>8} {'KB':>6}")
    for label, page_ms, main_ms, all_ms, count, size in rows:
        print(f"{label:<26} {page_ms:>8.1f} {main_ms:>9.1f} {all_ms:>8.1f} "
              f"{page_ms / all_ms:>8.1f}x {count:>8} {size / 1024:>6.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("KANBAN_BENCH_DATABASE_URL", ""))
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=100_000)
    args = parser.parse_args()
    print(f"{args.leads:,} leads, {args.activities:,} timeline entries, {TEAM} salespeople; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    report("SQLite", measure("", args.leads, args.activities))
    if args.postgres:
        with postgres_database(args.postgres) as url:
            report("PostgreSQL", measure(url, args.leads, args.activities))
    return 0


if __name__ == "__main__":
    sys.exit(main())
