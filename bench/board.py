"""How fast the board page is with 1,000 and 10,000 open leads.

Run: .venv/bin/python bench/board.py [--postgres URL]

SQLite in a temporary folder always; PostgreSQL too, in a database of its own created and
dropped here, when --postgres or KANBAN_BENCH_DATABASE_URL is given (analysed after each
load, as autovacuum would).

For each size it prints the board's server time (test client GET /board as a
logged-in person, median of several runs), the size of the HTML, the number of
SQL statements, and the time of those same statements run bare on the engine right
after each GET: the floor the page cannot go below.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from floors import page_beside_bare  # noqa: E402  (before the app: see floors.py)
from move import postgres_database  # noqa: E402

from kanban.app import create_app  # noqa: E402
from kanban.demo import create_demo_data  # noqa: E402
from kanban.extensions import db  # noqa: E402
from kanban.models import User  # noqa: E402

SIZES = (1_000, 10_000)
RUNS = 9
TARGET_RATIO = 5  # the page within 5x the time of its own SQL statements run bare
TARGET_MS = 250
TARGET_BYTES = 1024 * 1024


def measure(app, client) -> dict[str, float]:
    """Time the board page and, beside each run, its own SQL statements run bare."""
    page_ms, sql_ms, queries, size = page_beside_bare(db.engine, client, "/board", RUNS)
    return {"page_ms": page_ms, "sql_ms": sql_ms, "queries": queries, "html_kb": size / 1024}


def measure_database(url: str) -> list[tuple[int, dict[str, float]]]:
    """Fill a board to each size in turn and measure it there."""
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KANBAN_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{Path(tmp) / 'bench.db'}",
                "SECRET_KEY": "bench",
                "PLUGINS": [],
                "RATELIMIT_ENABLED": False,
            }
        )
        rows = []
        with app.app_context():
            db.create_all()
            person = User(email="bench@example.com", name="Bench Person", role="member")
            db.session.add(person)
            db.session.commit()
            person_id = person.id
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = db.session.get(User, person_id).get_id()
                session["_fresh"] = True
            have = 0
            for size in SIZES:
                create_demo_data(size - have, owner=db.session.get(User, person_id), seed=size)
                have = size
                db.session.remove()
                if db.engine.dialect.name == "postgresql":
                    # What autovacuum does after a load: the planner needs the statistics.
                    with db.engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT"
                    ) as connection:
                        connection.exec_driver_sql("ANALYZE")
                rows.append((size, measure(app, client)))
                db.session.remove()
            db.engine.dispose()
        return rows


def report(database: str, rows: list[tuple[int, dict[str, float]]]) -> bool:
    print(f"Board page, {database}, median of {RUNS} runs "
          f"(target: < {TARGET_MS} ms and < {TARGET_BYTES // 1024} KB at 10,000 leads, "
          f"within {TARGET_RATIO:g}x its own SQL run bare)")
    print(f"{'open leads':>10} {'page ms':>9} {'its SQL bare ms':>16} {'ratio':>7} "
          f"{'queries':>8} {'HTML KB':>8}")
    for size, figures in rows:
        ratio = figures["page_ms"] / figures["sql_ms"]
        print(f"{size:>10,} {figures['page_ms']:>9.1f} {figures['sql_ms']:>16.1f} "
              f"{ratio:>6.1f}x {figures['queries']:>8} {figures['html_kb']:>8.1f}")
    last = rows[-1][1]
    ok = (
        last["page_ms"] / last["sql_ms"] <= TARGET_RATIO
        and last["page_ms"] < TARGET_MS
        and last["html_kb"] * 1024 < TARGET_BYTES
        and len({figures["queries"] for _size, figures in rows}) == 1
    )
    print("within targets" if ok else "OUTSIDE TARGETS")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("KANBAN_BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ok = report("SQLite", measure_database(""))
    if args.postgres:
        with postgres_database(args.postgres) as url:
            ok = report("PostgreSQL", measure_database(url)) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
