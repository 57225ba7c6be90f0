"""Benchmark importing a file into a prospect list against a floor measured in the same run.

Run from the repository: ``.venv/bin/python bench/prospects_import.py [--rows 100000]
[--small 10000] [--database sqlite|postgresql|both]
[--postgres postgresql://postgres@127.0.0.1:5432/postgres]``.

The file has the 8 columns of ``bench/prospects.py`` (company, contact name, phone, email,
then city, sector, employees and notes kept as extra columns). The import is the one the
list page starts for a big file: the upload taken for the import, a new list with the
file's columns, then the background job ``prospects.import`` run through the core's job
runner, its progress steps counted. The floor reads the same kind of file with
``csv.reader`` and writes each row into ``prospect_rows`` with one ``executemany`` per 500
rows, a transaction per batch, with the same columns (cells and folded cells as JSON, the
searched text), so the same indexes are kept: the least any import must do. Peak memory
(tracemalloc) of the job is printed for ``--small`` rows and for the whole file, in runs
of their own.

It only reports: no targets, no timed assertions; it exits 0.
"""

from __future__ import annotations

import os
import sys

# This folder holds a csv.py: take it off the path until the standard library's is loaded.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path[:0] = [os.path.dirname(HERE), HERE]

from floors import insert_in_batches  # noqa: E402
from move import postgres_database  # noqa: E402  (before the plugin, which imports csv)
from prospects import COLUMNS, generate  # noqa: E402

# isort: split
from sqlalchemy import text  # noqa: E402

from kanban.app import create_app  # noqa: E402
from kanban.extensions import db  # noqa: E402
from kanban.models import User  # noqa: E402

FLOOR_INSERT = text(
    "INSERT INTO prospect_rows (list_id, position, cells, contact_name, company, email, "
    "phone, search_text, folded, status, reason, updated_at) VALUES (:list, :position, "
    ":cells, :contact, :company, :email, :phone, :search, :folded, 'to_contact', '', "
    "CURRENT_TIMESTAMP)"
)


def write_file(path: Path, rows: int, seed: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([column["name"] for column in COLUMNS])
        writer.writerows(generate(rows, seed))
    return path


def new_list(person: User, name: str):
    from kanban_prospects.lists import create_list

    return create_list(name, COLUMNS, user=person)


def floor_seconds(engine, path: Path, list_id: int) -> float:
    """csv.reader plus one executemany per 500 rows, committed per batch."""
    is_postgres = engine.dialect.name == "postgresql"
    cast = "CAST(:cells AS JSONB)" if is_postgres else ":cells"
    statement = text(str(FLOOR_INSERT).replace(":cells", cast).replace(
        ":folded", cast.replace("cells", "folded")))

    def rows(reader):
        for position, cells in enumerate(reader, start=1):
            # The same contents as a row of a list gets: its cells, folded cells and
            # searched text (lowercased here: the least folding there is).
            folded = [cell.lower() for cell in cells]
            yield {"list": list_id, "position": position, "cells": json.dumps(cells),
                   "company": cells[0], "contact": cells[1], "phone": cells[2],
                   "email": cells[3], "search": "\n".join(folded),
                   "folded": json.dumps(folded)}

    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        next(reader)
        insert_in_batches(engine, statement, rows(reader))
    return time.perf_counter() - started


def import_as_job(path: Path, person: User, trace: bool = False) -> tuple[float, int, int, int]:
    """The list page's way for a big file: the upload taken, a list made, then the job.

    Returns (seconds, rows added, progress steps, peak memory in bytes)."""
    from kanban_prospects import uploads
    from kanban_prospects.jobs import IMPORT
    from kanban_prospects.lists import columns_from, create_list, guess_fields

    from kanban import jobs
    from kanban.tables.reading import open_table

    token = uuid.uuid4().hex
    stored = uploads.folder() / f"{token}.csv"
    stored.write_bytes(path.read_bytes())
    table = open_table(stored)
    fields = guess_fields(table.header)
    taken = uploads.claim(token)
    plist = create_list(f"Imported {token[:6]}", columns_from(table.header, fields),
                        user=person, filename=taken.name)
    steps = []
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    job = jobs.run_here(IMPORT, {"list_id": plist.id, "token": token, "fields": fields,
                                 "encoding": table.encoding}, user=person,
                        on_progress=lambda done, total: steps.append(done))
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    assert job.status == "done", (job.status, job.error)
    return elapsed, job.result["rows"], len(steps), peak


def bench(url: str, label: str, total: int, small: int, workdir: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "PLUGINS": ["prospects"], "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        person = User(email="bench@example.com", name="Bench Manager", role="manager")
        db.session.add(person)
        db.session.commit()
        floor = floor_seconds(db.engine, write_file(workdir / "floor.csv", total, 1),
                              new_list(person, "Floor").id)
        elapsed, added, steps, _peak = import_as_job(
            write_file(workdir / "job.csv", total, 2), person)
        assert added == total, added
        _e, _a, _s, peak_small = import_as_job(write_file(workdir / "small.csv", small, 3),
                                               person, trace=True)
        _e, _a, _s, peak_total = import_as_job(write_file(workdir / "traced.csv", total, 4),
                                               person, trace=True)
        db.session.remove()
        db.engine.dispose()
    print(f"[{label}] floor (csv.reader + executemany into prospect_rows, 500 rows per "
          f"transaction): {total / floor:,.0f} rows/s ({floor:.1f} s)")
    print(f"[{label}] import of {total:,} rows into a new list as the page's background job "
          f"({steps} progress steps): {total / elapsed:,.0f} rows/s ({elapsed:.1f} s) = "
          f"{floor / elapsed:.2f} of the floor")
    print(f"[{label}] import peak memory (tracemalloc): {small:,} rows "
          f"{peak_small / 1e6:.1f} MB, {total:,} rows {peak_total / 1e6:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    options = parser.parse_args()
    print(f"Prospect list import; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    workdir = Path(tempfile.mkdtemp(prefix="kanban-bench-prospects-import-"))
    os.environ["KANBAN_INSTANCE_PATH"] = str(workdir / "instance")
    if options.database in ("sqlite", "both"):
        bench(f"sqlite:///{workdir / 'bench.db'}", "SQLite", options.rows, options.small,
              workdir)
    if options.database in ("postgresql", "both"):
        with postgres_database(options.postgres) as url:
            bench(url, "PostgreSQL", options.rows, options.small, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
