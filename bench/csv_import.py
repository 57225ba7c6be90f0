"""Benchmark a prospect-list import against a floor measured in the same run, per database.

Run from the repository: ``.venv/bin/python bench/csv_import.py [--rows 100000]
[--database sqlite|postgresql|both] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]``.

The floor reads the same file with ``csv.reader`` and writes each row as a lead with one
``executemany`` per 500 rows into the same database, in one transaction per batch, with
the same searched text and phone key (so the same indexes are kept): the least any
import must do. The import is the real one (``run_import``: mapping, checks,
duplicate rule, the core's ``create_leads``). Both run on a board already holding as many
leads as the file has rows. Peak memory (tracemalloc) is printed for the first
``--small`` rows and for the whole file, in runs of their own. The same import then runs
as the import page runs a big list: a background job (``csv.import``, through the core's
job runner) that writes its progress every 500 rows and can be cancelled.
"""

import os
import sys

# Keep this folder off the path, so that "import csv" is the standard library's.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(
    os.path.abspath(__file__))]
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import csv  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402

# The standard library's csv is loaded: this folder may come back on the path.
sys.path.insert(1, os.path.dirname(os.path.abspath(__file__)))
from floors import insert_in_batches  # noqa: E402

HEADER = ["Nome", "Empresa", "Telefone", "E-mail", "Valor", "Origem"]
FLOOR_INSERT = text(
    "INSERT INTO leads (title, contact_name, company, email, phone, value, currency, source, "
    "priority, starred, description, custom_fields, stage_id, rank, status, lost_reason, "
    "next_action_kind, next_action_text, created_at, updated_at, touched_at, version, "
    "search_text, phone_key) VALUES (:title, :contact, :company, :email, :phone, :value, "
    "'EUR', 'import', 2, false, '', '{}', :stage, :rank, 'open', '', 'todo', '', "
    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, :search, :key)"
)


def prospect_file(path: Path, rows: int, tag: str) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow([f"João Иван {i}", f"Padaria {i} Lda", f"+351 9{tag}{i:07d}",
                             f"prospect{i}@{tag}.list.example", f"{i % 900},50", "Feira"])
    return path


def floor_seconds(engine, path: Path, stage_id: int) -> float:
    """csv.reader plus one executemany per 500 rows, committed per batch."""

    def rows(reader):
        for n, (name, company, phone, email, value, _source) in enumerate(reader):
            # The same searched text and phone key as a lead gets, so the floor maintains
            # the same indexes (PostgreSQL's trigram index above all).
            search = "\n".join(v.lower() for v in (company, company, name, email, phone))
            yield {"title": company, "contact": name, "company": company,
                   "email": email, "phone": phone, "value": value.replace(",", "."),
                   "stage": stage_id, "rank": f"a{n:09d}", "search": search,
                   "key": "".join(c for c in phone if c.isdigit())[-10:]}

    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream, delimiter=";")
        next(reader)
        insert_in_batches(engine, FLOOR_INSERT, rows(reader))
    return time.perf_counter() - started


def import_once(path: Path, stage, user, trace: bool) -> tuple[float, int, int]:
    from kanban_csv.importer import ImportSettings, run_import
    from kanban_csv.mapping import guess_mapping

    from kanban.tables.reading import open_table

    table = open_table(path)
    settings = ImportSettings(mapping=guess_mapping(table.header), stage=stage,
                              owner_ids=[user.id], tags=["bench"])
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    report = run_import(table, settings, user=None, dry_run=False)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    assert report.failure == "" and report.invalid == 0, report.counts()
    return elapsed, report.created, peak


def import_as_job(path: Path, stage, user) -> tuple[float, int, int]:
    """The import page's way for a big list: upload stored, then a background job."""
    import shutil

    from kanban_csv.cleanup import upload_folder
    from kanban_csv.mapping import guess_mapping
    from kanban_csv.models import CsvImport

    from kanban import jobs
    from kanban.extensions import db
    from kanban.tables.reading import open_table

    stored = f"{uuid.uuid4().hex}.csv"
    shutil.copy(path, upload_folder() / stored)
    record = CsvImport(user_id=user.id, filename=path.name, sha256="", size=0,
                       stored_name=stored)
    db.session.add(record)
    db.session.commit()
    steps = []
    params = {"import_id": record.id, "dry_run": False,
              "mapping": guess_mapping(open_table(path).header), "stage_id": stage.id,
              "owner_ids": [user.id], "tags": ["bench"], "source": "import",
              "encoding": "", "delimiter": ""}
    started = time.perf_counter()
    job = jobs.run_here("csv.import", params, user=user,
                        on_progress=lambda done, total: steps.append(done))
    elapsed = time.perf_counter() - started
    assert job.status == "done", (job.status, job.error)
    return elapsed, job.result["created"], len(steps)


def bench(url: str, label: str, total: int, small: int, workdir: Path) -> None:
    from kanban.app import create_app
    from kanban.extensions import db
    from kanban.models import Pipeline, Stage, User
    from tests.csv.bulk import insert_leads

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "PLUGINS": ["csv"], "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        user = User(email="bench@example.com", name="Bench Person", role="admin")
        pipeline = Pipeline(name="Sales", stages=[
            Stage(name=name, position=n) for n, name in enumerate(
                ["Existing", "Floor", "Import", "Floor 2", "Job", "Small", "Traced"])])
        db.session.add_all([user, pipeline])
        db.session.commit()
        (existing, floor_stage, target, job_floor_stage, job_stage, small_stage,
         traced_stage) = pipeline.stages
        insert_leads(existing, total, owner_id=user.id)
        db.session.commit()

        floor = floor_seconds(db.engine, prospect_file(workdir / "floor.csv", total, "1"),
                              floor_stage.id)
        elapsed, created, _peak = import_once(prospect_file(workdir / "run.csv", total, "2"),
                                              target, user, trace=False)
        assert created == total, created
        # The job's own floor, measured just before it on the table as it then is.
        job_floor = floor_seconds(db.engine, prospect_file(workdir / "floor2.csv", total, "6"),
                                  job_floor_stage.id)
        as_job, job_created, steps = import_as_job(
            prospect_file(workdir / "job.csv", total, "5"), job_stage, user)
        assert job_created == total, job_created
        _e, _c, peak_small = import_once(prospect_file(workdir / "small.csv", small, "3"),
                                         small_stage, user, trace=True)
        _e, _c, peak_total = import_once(prospect_file(workdir / "traced.csv", total, "4"),
                                         traced_stage, user, trace=True)
        db.session.remove()
        db.engine.dispose()
    print(f"[{label}] floor (csv.reader + executemany, 500 rows per transaction): "
          f"{total / floor:,.0f} rows/s ({floor:.1f} s)")
    print(f"[{label}] import of {total:,} rows ({total:,} leads already there): "
          f"{total / elapsed:,.0f} rows/s ({elapsed:.1f} s) = {floor / elapsed:.2f} of the floor")
    print(f"[{label}] floor again, just before the job ({3 * total:,} leads there, as the "
          f"first floor had {total:,} before the import): {total / job_floor:,.0f} rows/s "
          f"({job_floor:.1f} s)")
    print(f"[{label}] the same import as a background job ({steps} progress steps): "
          f"{total / as_job:,.0f} rows/s ({as_job:.1f} s) = {job_floor / as_job:.2f} of the "
          f"floor beside it")
    print(f"[{label}] import peak memory (tracemalloc): {small:,} rows "
          f"{peak_small / 1e6:.1f} MB, {total:,} rows {peak_total / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kanban-bench-import-"))
    os.environ["KANBAN_INSTANCE_PATH"] = str(workdir / "instance")
    if options.database in ("sqlite", "both"):
        bench(f"sqlite:///{workdir / 'bench.db'}", "SQLite", options.rows, options.small,
              workdir)
    if options.database in ("postgresql", "both"):
        name = f"kanban_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(options.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            bench(options.postgres.rsplit("/", 1)[0] + f"/{name}", "PostgreSQL", options.rows,
                  options.small, workdir)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
