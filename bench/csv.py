"""Benchmark the CSV export and import against a floor measured in the same run.

Run from the repository: ``.venv/bin/python bench/csv.py [--rows 100000]``.
Prints rows per second for exporting the leads (the board's export, streamed through
the real view) beside the floor (Python's csv module writing the same rows straight
from a sqlite3 cursor), the export's peak memory for 10k and for all rows, and rows
per second for importing a prospect list of the same size.
"""

import os
import sys

# This file is called csv.py: keep its folder off the path so "import csv" is the stdlib's.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(
    os.path.abspath(__file__))]
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import csv  # noqa: E402
import io  # noqa: E402
import sqlite3  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

FLOOR_SQL = """
SELECT l.title, l.contact_name, l.company, l.email, l.phone, l.value, l.currency, l.source,
       s.name, u.name,
       (SELECT group_concat(t.tag, ', ') FROM lead_tags t WHERE t.lead_id = l.id),
       l.status, l.next_action_date, l.next_action_text,
       (SELECT max(a.created_at) FROM activities a WHERE a.lead_id = l.id),
       l.created_at, l.custom_fields
FROM leads l JOIN stages s ON s.id = l.stage_id LEFT JOIN users u ON u.id = l.owner_id
WHERE l.status = 'open' ORDER BY l.id
"""


def floor_rate(db_path: Path, expected: int) -> float:
    """Rows per second of csv.writer fed straight from a sqlite3 cursor."""
    connection = sqlite3.connect(db_path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    started = time.perf_counter()
    cursor = connection.execute(FLOOR_SQL)
    count = 0
    while rows := cursor.fetchmany(500):
        writer.writerows(rows)
        count += len(rows)
        buffer.seek(0)
        buffer.truncate()
    elapsed = time.perf_counter() - started
    connection.close()
    assert count == expected, count
    return count / elapsed


def export_once(client, query: dict, expected: int, trace: bool) -> tuple[float, int]:
    """Download the export through the real view; return (rows per second, peak bytes)."""
    from kanban_csv.export import DEFAULT_COLUMNS

    args = {"format": "excel", "locale": "pt", "columns": DEFAULT_COLUMNS + ["custom:Budget"],
            **query}
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    response = client.get("/csv/export/download", query_string=args, buffered=False)
    lines = 0
    for chunk in response.response:
        lines += chunk.count(b"\r\n")
    response.close()
    elapsed = time.perf_counter() - started
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert lines - 1 >= expected, (lines, expected)
    return expected / elapsed, peak


def prospect_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["Nome", "Empresa", "Telefone", "E-mail", "Valor", "Origem"])
        for i in range(rows):
            writer.writerow([f"João Иван {i}", f"Padaria {i} Lda", f"+351 93{i:07d}",
                             f"prospect{i}@list.example", f"{i % 900},50", "Feira"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    options = parser.parse_args()
    total, small = options.rows, options.small

    workdir = Path(tempfile.mkdtemp(prefix="kanban-bench-csv-"))
    os.environ["KANBAN_INSTANCE_PATH"] = str(workdir / "instance")
    db_path = workdir / "bench.db"

    from kanban_csv.importer import ImportSettings, run_import
    from kanban_csv.mapping import guess_mapping

    from kanban.app import create_app
    from kanban.extensions import db
    from kanban.models import Pipeline, Stage, User
    from kanban.tables.reading import open_table
    from tests.csv.bulk import insert_leads

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SECRET_KEY": "bench",
                      "PLUGINS": ["csv"], "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        user = User(email="bench@example.com", name="Bench Person", role="admin")
        pipeline = Pipeline(name="Sales", stages=[Stage(name="New", position=0),
                                                  Stage(name="Contacted", position=1),
                                                  Stage(name="Imported", position=2)])
        db.session.add_all([user, pipeline])
        db.session.commit()
        new, contacted, imported = pipeline.stages
        filled = time.perf_counter()
        insert_leads(new, small, owner_id=user.id)
        insert_leads(contacted, total - small, owner_id=user.id)
        print(f"Filled {total:,} leads by bulk insert in {time.perf_counter() - filled:.1f} s "
              f"(SQLite, {db_path})")

        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True

        export_once(client, {"stage_id": new.id}, small, trace=False)  # warm up
        # Best of three, taken in turns, so that other work on the machine weighs the same
        # on the floor and on the export.
        floors, rates = [], []
        for _attempt in range(3):
            floors.append(floor_rate(db_path, total))
            rates.append(export_once(client, {}, total, trace=False)[0])
        floor, rate = max(floors), max(rates)
        _rate, peak_small = export_once(client, {"stage_id": new.id}, small, trace=True)
        _rate, peak_total = export_once(client, {}, total, trace=True)
        print(f"Export floor (csv module from a sqlite3 cursor, best of 3): {floor:,.0f} rows/s")
        print(f"Export (Excel preset, streamed through the view, best of 3): {rate:,.0f} rows/s "
              f"= {rate / floor:.0%} of the floor")
        print(f"Export peak memory (tracemalloc): {small:,} leads {peak_small / 1e6:.2f} MB, "
              f"{total:,} leads {peak_total / 1e6:.2f} MB")

        source = workdir / "prospects.csv"
        prospect_file(source, total)
        table = open_table(source)
        settings = ImportSettings(mapping=guess_mapping(table.header), stage=imported,
                                  owner_ids=[user.id], tags=["bench"])
        started = time.perf_counter()
        report = run_import(table, settings, user=None, dry_run=False)
        elapsed = time.perf_counter() - started
        assert report.created == total, report.counts()
        print(f"Import of {total:,} rows (real run, batches of 500, {total:,} leads already "
              f"there): {total / elapsed:,.0f} rows/s ({elapsed:.1f} s)")


if __name__ == "__main__":
    main()
