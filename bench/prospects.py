"""How fast one prospect list's page is with 50,000 rows, beside its own SQL.

    .venv/bin/python bench/prospects.py [--postgres URL] [--rows 50000]

SQLite in a temporary folder always; PostgreSQL too, in a database of its own created and
dropped here, when --postgres or KANBAN_BENCH_DATABASE_URL is given. A list of 8 columns
(company, contact name, phone, email, then city, sector, employees and notes kept as extra
columns) is filled with deterministic rows through the plugin itself, and a few of them are
worked (called back, not interested). For several views of GET /prospects/<id> (the first
page, deep paging, a search hitting many rows and one hitting few, a column filter, a
status filter, a sort on an extra column descending) it prints the server time (test
client GET as a logged-in manager, median of several runs), the size of the HTML, the
number of SQL statements, and the time of those same statements run bare on the DB-API
connection in the same run: the floor the page cannot go below; then how that floor splits
between the row count, the page of rows, the list's progress (shown above the rows) and the
rest. A second list of 1,000 rows shows the number of statements does not grow with the
list. PostgreSQL is analysed after the load, as autovacuum would.

It only reports: no targets, no timed assertions; it exits 0.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from floors import bare_ms, statements_of  # noqa: E402  (before the app: see floors.py)
from move import postgres_database  # noqa: E402  (before the plugin, which imports csv)

# isort: split
from kanban_prospects.lists import EXTRA, add_rows, create_list  # noqa: E402
from kanban_prospects.models import ProspectRow, RowStatus  # noqa: E402
from sqlalchemy import update  # noqa: E402

from kanban.app import create_app  # noqa: E402
from kanban.extensions import db  # noqa: E402
from kanban.models import User  # noqa: E402
from kanban.models.base import utcnow  # noqa: E402

RUNS = 9
SMALL = 1_000
COLUMNS = [
    {"name": "Company", "field": "company"},
    {"name": "Contact name", "field": "contact_name"},
    {"name": "Phone", "field": "phone"},
    {"name": "Email", "field": "email"},
    {"name": "City", "field": EXTRA},
    {"name": "Sector", "field": EXTRA},
    {"name": "Employees", "field": EXTRA},
    {"name": "Notes", "field": EXTRA},
]
CITY, SECTOR = 4, 5
FIRST = ["Anne", "Bruno", "Camille", "Denis", "Élodie", "François", "Gaëlle", "Hugo", "Inès",
         "Julien", "Karim", "Léa", "Mathieu", "Nadia", "Olivier", "Pauline", "Quentin",
         "Rémi", "Sophie", "Thomas"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
        "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier"]
CITIES = ["Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg",
          "Montpellier", "Bordeaux", "Lille", "Rennes", "Reims", "Le Havre", "Saint-Étienne",
          "Toulon", "Grenoble", "Dijon", "Angers", "Nîmes", "Villeurbanne"]
SECTORS = ["Bakery", "Building", "Transport", "Software", "Retail", "Hotels", "Farming",
           "Printing", "Garage", "Cleaning", "Accounting", "Dentistry"]
WORDS = ["Atelier", "Groupe", "Société", "Maison", "Ets", "Compagnie", "Bureau", "Réseau"]
NOTES = ["", "", "Met at the trade fair", "Call after 2pm", "Has a supplier until June",
         "Asked for a brochure", "Ask for the purchasing manager", "Closed on Mondays"]
REASONS = ["No budget", "Already has a supplier", "No need", "Not the right person"]


def generate(count: int, seed: int):
    """``count`` rows of the 8 columns, the same for the same seed."""
    rng = random.Random(seed)
    for index in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = f"{rng.choice(WORDS)} {rng.choice(LAST)} {index % 7919}"
        domain = f"company{index % 7919}.example"
        yield [
            company,
            f"{first} {last}",
            f"0{rng.randint(1, 9)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            f"{first.lower()}.{last.lower()}@{domain}",
            rng.choice(CITIES),
            rng.choice(SECTORS),
            str(rng.choice([1, 2, 5, 8, 12, 25, 40, 80, 150, 400, 1200])),
            rng.choice(NOTES),
        ]


def fill(rows: int, person: User) -> tuple[int, int]:
    """A list of ``SMALL`` rows and one of ``rows``, some rows worked; their ids."""
    ids, now = [], utcnow()
    for size, seed in ((SMALL, 1), (rows, 2)):
        plist = create_list(f"Bench {size:,}", COLUMNS, user=person)
        add_rows(plist, generate(size, seed), user=person)
        ids.append(plist.id)
        # Work some rows, as a list in use is: 1 in 10 to call back, 1 in 7 not interested.
        db.session.execute(
            update(ProspectRow)
            .where(ProspectRow.list_id == plist.id, ProspectRow.position % 10 == 3)
            .values(status=RowStatus.CALL_BACK, contacted_at=now))
        for number, reason in enumerate(REASONS):
            db.session.execute(
                update(ProspectRow)
                .where(ProspectRow.list_id == plist.id, ProspectRow.position % 28 == number)
                .values(status=RowStatus.NOT_INTERESTED, reason=reason,
                        contacted_at=now))
        db.session.commit()
    return ids[0], ids[1]


def views(list_id: int) -> list[tuple[str, str]]:
    base = f"/prospects/{list_id}"
    return [
        ("first page", base),
        ("page 500 (deep paging)", f"{base}?page=500"),
        ("search q=dubois (8% hit)", f"{base}?q=dubois"),
        ("search, few hits", f"{base}?q=company7777.example"),
        ("column filter sector~trans", f"{base}?column={SECTOR}&value=trans"),
        ("status = call back", f"{base}?status={RowStatus.CALL_BACK}"),
        ("sort city, descending", f"{base}?sort={CITY}&order=desc"),
    ]


def part_of(statement: str) -> str:
    """Which part of the page a statement serves (see find_rows and progress_of)."""
    text = " ".join(statement.split())
    if "FROM prospect_rows" not in text:
        return "other"
    if "GROUP BY prospect_rows.list_id" in text:
        return "progress"
    return "rows" if " LIMIT " in text else "count"


PARTS = {"count": "row count", "rows": "page of rows", "progress": "progress (3)",
         "other": "the rest"}


def timed_get(client, url: str) -> tuple[float, int]:
    for _warm_up in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _run in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(response.data)


def measure(url: str, rows: int) -> list[tuple]:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KANBAN_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{Path(tmp) / 'bench.db'}",
            "SECRET_KEY": "bench", "TESTING": True, "WTF_CSRF_ENABLED": False,
            "PLUGINS": ["prospects"], "PLUGINS_STRICT": True, "RATELIMIT_ENABLED": False,
        })
        with app.app_context():
            db.create_all()
            person = User(email="bench@example.com", name="Bench Manager", role="manager")
            db.session.add(person)
            db.session.commit()
            start = time.perf_counter()
            small_id, big_id = fill(rows, person)
            load_s = time.perf_counter() - start
            engine = db.engine
            if engine.dialect.name == "postgresql":
                # What autovacuum does after a load: the planner needs the statistics.
                with engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                ) as connection:
                    connection.exec_driver_sql("ANALYZE")
            login = person.get_id()
            db.session.remove()
        print(f"  {engine.dialect.name}: {SMALL + rows:,} rows loaded in {load_s:.1f} s")
        # Requests run with no application context pushed, as in production: each has its
        # own ``g`` and session, so the logged-in person is loaded every time.
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = login
            session["_fresh"] = True
        results = []
        for (label, big_url), (_label, small_url) in zip(views(big_id), views(small_id),
                                                           strict=True):
            page_ms, size = timed_get(client, big_url)
            statements = statements_of(engine, client, big_url)
            small = statements_of(engine, client, small_url)
            parts = {part: bare_ms(engine, [s for s in statements if part_of(s[0]) == part],
                                   RUNS) for part in PARTS}
            results.append((label, page_ms, bare_ms(engine, statements, RUNS),
                            len(statements), len(small), size, parts))
        engine.dispose()
        return results


def report(database: str, rows: int, results) -> None:
    print(f"\n{database}: list of {rows:,} rows x {len(COLUMNS)} columns, "
          f"median of {RUNS} runs, ms")
    print(f"{'view':<28} {'page':>8} {'its SQL bare':>13} {'page/SQL':>9} "
          f"{'queries':>8} {'at ' + format(SMALL, ',') + ' rows':>13} {'KB':>5}")
    for label, page_ms, sql_ms, count, small_count, size, _parts in results:
        print(f"{label:<28} {page_ms:>8.1f} {sql_ms:>13.1f} {page_ms / sql_ms:>8.1f}x "
              f"{count:>8} {small_count:>13} {size / 1024:>5.0f}")
    same = all(count == small for _l, _p, _s, count, small, _k, _parts in results)
    print("queries per view: the same at "
          f"{SMALL:,} and {rows:,} rows" if same else "queries per view: NOT CONSTANT")
    print(f"\nwhere its SQL time goes, bare ms ({database})")
    print(f"{'view':<28}" + "".join(f" {name:>13}" for name in PARTS.values()))
    for label, *_figures, parts in results:
        print(f"{label:<28}" + "".join(f" {parts[part]:>13.1f}" for part in PARTS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("KANBAN_BENCH_DATABASE_URL", ""))
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    print(f"Prospect list page; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    report("SQLite", args.rows, measure("", args.rows))
    if args.postgres:
        with postgres_database(args.postgres) as url:
            report("PostgreSQL", args.rows, measure(url, args.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
