"""How fast searching is with 10,000 leads: the board's search and the top bar's search page.

Run: .venv/bin/python bench/search.py
     KANBAN_BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/search.py

For each search it prints the page's server time (test client GET as a logged-in person,
median of several runs), the number of SQL statements, and the time of those same
statements run bare on the engine in the same run: the floor the page cannot go below.
The searches are typed without case or accents ("волга", "cafe gran via") and find
leads written "Волга", "Café Gran Vía".
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from floors import bare_ms, statements_of  # noqa: E402  (before the app: see floors.py)

from kanban.app import create_app  # noqa: E402
from kanban.demo import create_demo_data  # noqa: E402
from kanban.extensions import db  # noqa: E402
from kanban.models import User  # noqa: E402

LEADS = 10_000
RUNS = 9
TARGET_MS = 250
SEARCHES = ("волга", "cafe gran via", "lisboeta", "no such thing")
PAGES = ("/board?q={}", "/search?q={}")


def median_ms(timings: list[float]) -> float:
    return statistics.median(timings) * 1000


def measure(client, url: str) -> dict[str, float]:
    """Time one page and, beside it, its own SQL statements run bare."""
    for _warm_up in range(2):
        assert client.get(url).status_code == 200
    times = []
    for _run in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    statements = statements_of(db.engine, client, url)
    return {"page_ms": median_ms(times), "sql_ms": bare_ms(db.engine, statements, RUNS),
            "queries": len(statements)}


def main() -> int:
    url = os.environ.get("KANBAN_BENCH_DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KANBAN_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{Path(tmp) / 'bench.db'}",
            "SECRET_KEY": "bench", "PLUGINS": [], "RATELIMIT_ENABLED": False,
        })
        rows = []
        with app.app_context():
            if url:
                db.drop_all()
            db.create_all()
            person = User(email="bench@example.com", name="Bench Person", role="member")
            db.session.add(person)
            db.session.commit()
            create_demo_data(LEADS, owner=person, seed=LEADS)
            if url:  # fresh statistics, as autovacuum would gather on a live server
                with db.engine.connect() as connection:
                    connection.exec_driver_sql("ANALYZE")
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = person.get_id()
                session["_fresh"] = True
            db.session.remove()
            for page in PAGES:
                for text in SEARCHES:
                    rows.append((page.format(text), measure(client, page.format(quote(text)))))
                    db.session.remove()
            if url:
                db.drop_all()
        print(f"Searching {LEADS:,} leads, {'PostgreSQL' if url else 'SQLite'}, "
              f"median of {RUNS} runs (target: < {TARGET_MS} ms a page)")
        print(f"{'page':<28} {'page ms':>9} {'its SQL bare ms':>16} {'ratio':>6} {'queries':>8}")
        for name, figures in rows:
            ratio = figures["page_ms"] / figures["sql_ms"] if figures["sql_ms"] else 0
            print(f"{name:<28} {figures['page_ms']:>9.1f} {figures['sql_ms']:>16.1f} "
                  f"{ratio:>6.1f} {figures['queries']:>8}")
        ok = all(figures["page_ms"] < TARGET_MS for _name, figures in rows)
        print("within targets" if ok else "OUTSIDE TARGETS")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
