"""How long a drag takes through the API, and how many rows it writes, as columns grow.

    .venv/bin/python bench/move.py [--postgres URL] [--moves 300] [--sizes 100,1000,10000]

Each column size gets a fresh database (SQLite in a temporary folder; PostgreSQL in a
database of its own, created and dropped here, when --postgres or
KANBAN_BENCH_DATABASE_URL is given). The floor beside each figure is a single-row
UPDATE by primary key plus commit through the same engine, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, update  # noqa: E402

from kanban.app import create_app  # noqa: E402
from kanban.auth.tokens import create_token  # noqa: E402
from kanban.extensions import db  # noqa: E402
from kanban.models import Lead, Pipeline, Role, Stage, User  # noqa: E402
from kanban.models.base import utcnow  # noqa: E402
from kanban.ranking import evenly_spaced  # noqa: E402
from kanban.services.ordering import column_order  # noqa: E402

WARMUP = 30


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@contextmanager
def postgres_database(url: str):
    """A database of the benchmark's own on the given server, dropped afterwards."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    name = f"kanban_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(plain, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{plain.split('://', 1)[1].rsplit('/', 1)[0]}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def build_board(size: int) -> tuple[list[int], dict[int, list[int]], str]:
    """Two columns of ``size`` cards; return the stage ids, their orders and a token."""
    pipeline = Pipeline(name="Sales", position=0)
    pipeline.stages = [Stage(name=name, position=i) for i, name in enumerate(["New", "Won?"])]
    user = User(email="bench@example.com", name="Bench", role=Role.MEMBER.value)
    db.session.add_all([pipeline, user])
    db.session.commit()
    stage_ids = [stage.id for stage in pipeline.stages]
    keys = evenly_spaced(size)
    for stage_id in stage_ids:
        rows = [{"title": f"Lead {n}", "stage_id": stage_id, "rank": k} for n, k in enumerate(keys)]
        for start in range(0, size, 2000):
            db.session.execute(insert(Lead), rows[start : start + 2000])
    db.session.commit()
    _token, secret = create_token(user, "bench")
    return stage_ids, {sid: column_order(sid) for sid in stage_ids}, secret


def pick_drop(rng: random.Random, orders: dict[int, list[int]], lead_id: int):
    """A drop anywhere in either column: below a card, above one, between two, at the bottom."""
    stage_id = rng.choice(list(orders))
    others = [i for i in orders[stage_id] if i != lead_id]
    how = rng.choice(["after", "before", "both", "bottom"])
    index = rng.randrange(len(others))
    if how == "after":
        return stage_id, others[index], None
    if how == "before":
        return stage_id, None, others[index]
    if how == "both" and index + 1 < len(others):
        return stage_id, others[index], others[index + 1]
    return stage_id, None, None


def apply_drop(orders, lead_id, stage_id, after_id, before_id) -> None:
    for ids in orders.values():
        if lead_id in ids:
            ids.remove(lead_id)
            break
    column = orders[stage_id]
    if after_id is not None:
        column.insert(column.index(after_id) + 1, lead_id)
    elif before_id is not None:
        column.insert(column.index(before_id), lead_id)
    else:
        column.append(lead_id)


def measure(url: str, size: int, moves: int, seed: int) -> dict[str, float]:
    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "PLUGINS": [],
            "RATELIMIT_ENABLED": False,
        }
    )
    rng = random.Random(seed)
    with app.app_context():
        db.create_all()
        stage_ids, orders, secret = build_board(size)
        engine = db.engine
    versions = {lead_id: 1 for ids in orders.values() for lead_id in ids}
    lead_ids = list(versions)
    # An API client: no cookies, each request in its own application context and session.
    client = app.test_client(use_cookies=False)
    headers = {"Authorization": f"Bearer {secret}"}
    written: list[int] = []

    def count_writes(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            written.append(len(parameters) if executemany else 1)

    event.listen(engine, "before_cursor_execute", count_writes)
    move_times: list[float] = []
    move_cpu: list[float] = []
    rows_per_move: list[int] = []
    for n in range(WARMUP + moves):
        lead_id = rng.choice(lead_ids)
        stage_id, after_id, before_id = pick_drop(rng, orders, lead_id)
        body = {"stage_id": stage_id, "version": versions[lead_id]}
        if after_id is not None:
            body["after_id"] = after_id
        if before_id is not None:
            body["before_id"] = before_id
        written.clear()
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = client.post(f"/api/v1/leads/{lead_id}/move", json=body, headers=headers)
        elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
        if response.status_code != 200:
            raise SystemExit(f"move {body} answered {response.status_code}: {response.json}")
        versions[lead_id] = response.json["version"]
        apply_drop(orders, lead_id, stage_id, after_id, before_id)
        if n >= WARMUP:
            move_times.append(elapsed)
            move_cpu.append(cpu)
            rows_per_move.append(sum(written))
    event.remove(engine, "before_cursor_execute", count_writes)

    with app.app_context():
        for stage_id in stage_ids:
            if column_order(stage_id) != orders[stage_id]:
                raise SystemExit(f"column {stage_id} is not in the order the drags asked for")

    # For scale: the same client reading one lead, through the same login and JSON.
    read_times: list[float] = []
    for n in range(WARMUP + moves):
        started = time.perf_counter()
        response = client.get(f"/api/v1/leads/{rng.choice(lead_ids)}", headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"reading a lead answered {response.status_code}")
        if n >= WARMUP:
            read_times.append(elapsed)

    floor_times: list[float] = []
    table = Lead.__table__
    for n in range(WARMUP + moves):
        lead_id = rng.choice(lead_ids)
        started = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(
                update(table).where(table.c.id == lead_id).values(updated_at=utcnow())
            )
        elapsed = time.perf_counter() - started
        if n >= WARMUP:
            floor_times.append(elapsed)
    engine.dispose()
    return {
        "move_p50": statistics.median(move_times) * 1000,
        "move_p99": percentile(move_times, 0.99) * 1000,
        "move_cpu_p50": statistics.median(move_cpu) * 1000,
        "read_p50": statistics.median(read_times) * 1000,
        "floor_p50": statistics.median(floor_times) * 1000,
        "floor_p99": percentile(floor_times, 0.99) * 1000,
        "rows_mean": statistics.mean(rows_per_move),
        "rows_max": max(rows_per_move),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("KANBAN_BENCH_DATABASE_URL", ""))
    parser.add_argument("--moves", type=int, default=300)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    header = (
        f"{'database':<11}{'cards/column':>13}{'move p50':>10}{'p99':>9}"
        f"{'cpu p50':>9}{'GET p50':>9}"
        f"{'floor p50':>11}{'p99':>8}{'p50 / floor':>13}{'rows/move avg':>15}{'max':>6}"
    )
    print(f"{args.moves} drags through POST /api/v1/leads/<id>/move per size (ms); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("cpu = CPU time of the request's thread; GET = GET /api/v1/leads/<id> (same client);")
    print("floor = UPDATE one lead row by id + commit through the same engine")
    print(header)
    print("-" * len(header))
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    with tempfile.TemporaryDirectory() as folder:
        os.environ["KANBAN_INSTANCE_PATH"] = str(Path(folder) / "instance")
        for backend in backends:
            for size in sizes:
                if backend == "sqlite":
                    url = f"sqlite:///{Path(folder) / f'bench-{size}.db'}"
                    result = measure(url, size, args.moves, args.seed)
                else:
                    with postgres_database(args.postgres) as url:
                        result = measure(url, size, args.moves, args.seed)
                print(
                    f"{backend:<11}{size:>13,}{result['move_p50']:>10.2f}{result['move_p99']:>9.2f}"
                    f"{result['move_cpu_p50']:>9.2f}{result['read_p50']:>9.2f}"
                    f"{result['floor_p50']:>11.2f}{result['floor_p99']:>8.2f}"
                    f"{result['move_p50'] / result['floor_p50']:>12.1f}x"
                    f"{result['rows_mean']:>15.2f}{result['rows_max']:>6}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
