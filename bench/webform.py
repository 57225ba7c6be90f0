"""Web-form submissions per second through the full path, beside a floor measured in this run.

Every server is gunicorn with 2 workers x 4 threads (the app built as ``wsgi.py`` builds
it), running at once and driven by the same bounded pool of keep-alive HTTP clients in
alternate rounds (floor, web form, floor, ...), so that all see the same moments of a
noisy machine:

* floor: a bare Flask route that inserts one row and commits, with the app's own settings
  (SQLite: WAL, synchronous=NORMAL; PostgreSQL: psycopg, synchronous_commit as the server
  has it);
* the app's floor: the same INSERT in a route of the app itself (public, no CSRF token),
  so through everything the app does for any request: its engine settings and SQLite's
  write turns, sessions, language, security headers, rate-limit and outage rules;
* the form's floor: the app with the web form plugin, in a route that looks the form up,
  checks the fields and stores the submission row, without a lead;
* web form: POST /f/<slug>.json — validation, duplicate lookup, lead + timeline entry,
  submission record and lifecycle hooks (time trap and rate limits off).

For reference it also times the core's create_lead called directly in one process (no
HTTP, no plugin): the ceiling any lead source can reach on this machine.

It runs on a fresh SQLite file in a temp dir and, with --postgres (an admin URL such as
postgresql://postgres@127.0.0.1:5432/postgres, or KANBAN_BENCH_DATABASE_URL), again on
fresh PostgreSQL databases created and dropped here.

Run: .venv/bin/python bench/webform.py [--postgres URL] [--requests 4000] [--concurrency 8]
     [--rounds 8]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
WORKERS = 2
THREADS = 4  # gthread workers, so that clients keep their connections alive


def floor_app():
    """A bare Flask app whose one route inserts one row (SQLite in WAL mode, or PostgreSQL)."""
    from flask import Flask, request

    app = Flask("floor")
    url = os.environ["BENCH_FLOOR_DB"]
    local = threading.local()

    def connection():
        if not hasattr(local, "db"):
            if url.startswith("postgresql"):
                import psycopg

                local.db = psycopg.connect(url)
            else:
                local.db = sqlite3.connect(url, timeout=5)
                local.db.execute("PRAGMA journal_mode=WAL")
                local.db.execute("PRAGMA synchronous=NORMAL")
        return local.db

    marker = "%s" if url.startswith("postgresql") else "?"
    statement = f"INSERT INTO hits (email, body) VALUES ({marker}, {marker})"

    @app.post("/hit")
    def hit():
        body = request.get_json()
        db = connection()
        db.execute(statement, (body["email"], json.dumps(body)))
        db.commit()
        return {"status": "received"}, 201

    return app


def app_floor():
    """The app itself, with one more public route that inserts one row as the floor does."""
    from flask import request
    from sqlalchemy import text

    from kanban.app import create_app
    from kanban.auth import csrf_exempt, public
    from kanban.extensions import db

    app = create_app()
    statement = text("INSERT INTO hits (email, body) VALUES (:email, :body)")

    @app.post("/hit")
    @public
    @csrf_exempt
    def hit():
        body = request.get_json()
        db.session.execute(statement, {"email": body["email"], "body": json.dumps(body)})
        db.session.commit()
        return {"status": "received"}, 201

    app.load_web()  # as wsgi.py does
    return app


def form_floor():
    """The app with the web form plugin, and one more public route that runs the form's
    own checks (its lookup, the fields' validation) and stores the submission row alone:
    everything a submission costs but its lead."""
    from flask import abort, request
    from kanban_webform.fields import clean_submission, form_fields
    from kanban_webform.models import Submission, SubmissionStatus
    from kanban_webform.views.public import find_form

    from kanban.app import create_app
    from kanban.auth import csrf_exempt, public
    from kanban.extensions import db
    from kanban.services.bulk_insert import insert_rows

    app = create_app()

    @app.post("/checked/<slug>")
    @public
    @csrf_exempt
    def checked(slug: str):
        form = find_form(slug)
        values, errors = clean_submission(form_fields(form.fields), request.get_json())
        if errors:
            abort(422)
        insert_rows(Submission.__table__, [{
            "form_id": form.id, "status": SubmissionStatus.LEAD.value, "lead_id": None,
            "spam_reason": "", "values": values, "meta": {}}])
        db.session.commit()
        return {"status": "received"}, 201

    app.load_web()  # as wsgi.py does
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(app_spec: str, env: dict[str, str], chdir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS),
         "--keep-alive", "30", "-b", f"127.0.0.1:{port}", "--chdir", str(chdir),
         "--log-level", "warning", app_spec],
        env={**os.environ, **env},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app_spec} did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def drive(port: int, path: str, total: int, concurrency: int, tag: str) -> tuple[float, Counter]:
    """Send ``total`` JSON posts from ``concurrency`` keep-alive clients; return (req/s, codes)."""
    numbers = itertools.count()
    lock = threading.Lock()
    codes: Counter = Counter()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                n = next(numbers)
            if n >= total:
                break
            body = json.dumps({"name": f"Visitor {n}", "email": f"{tag}{n}@example.com",
                               "message": "Please send a quote for 40 cakes."})
            connection.request("POST", path, body=body,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            with lock:
                codes[response.status] += 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return total / (time.perf_counter() - started), codes


@contextmanager
def databases(admin_url: str, count: int) -> Iterator[list[str]]:
    """Fresh PostgreSQL databases on the admin URL's server, dropped afterwards."""
    import psycopg

    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    server = plain.rsplit("/", 1)[0]
    names = [f"kanban_bench_{uuid.uuid4().hex[:8]}" for _ in range(count)]
    admin = psycopg.connect(plain, autocommit=True)
    try:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        yield [f"{server}/{name}" for name in names]
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def app_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def prepare_floor(url: str) -> dict[str, str]:
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url) as db:
            db.execute("CREATE TABLE hits (id SERIAL PRIMARY KEY, email TEXT, body TEXT)")
    else:
        db = sqlite3.connect(url)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE hits (id INTEGER PRIMARY KEY, email TEXT, body TEXT)")
        db.commit()
        db.close()
    return {"BENCH_FLOOR_DB": url}


def prepare_app_floor(tmp: Path, url: str) -> dict[str, str]:
    """The app's tables and the floor's one table in a database of their own."""
    env = {**app_env(tmp / "instance-floor", url), "KANBAN_PLUGINS": "[]"}
    setup = ("from kanban.app import create_app\nfrom kanban.extensions import db\n"
             "app = create_app()\nwith app.app_context():\n    db.create_all()\n")
    subprocess.run([PYTHON, "-c", setup], env={**os.environ, **env}, check=True, cwd=ROOT)
    prepare_floor(url.replace("+psycopg", "").removeprefix("sqlite:///"))
    return env


def app_env(instance: Path, url: str) -> dict[str, str]:
    return {
        "KANBAN_INSTANCE_PATH": str(instance),
        "KANBAN_DATABASE_URL": url,
        "KANBAN_SECRET_KEY": "bench-secret",
        "KANBAN_PLUGINS": '["webform"]',
        "KANBAN_RATELIMIT_ENABLED": "false",
        "KANBAN_WEBFORM_MIN_FILL_SECONDS": "0",
    }


def prepare_webform(tmp: Path, url: str) -> dict[str, str]:
    env = app_env(tmp / "instance", url)
    setup = (
        "from kanban.app import create_app\n"
        "from kanban.extensions import db\n"
        "from kanban.models import Pipeline, Stage\n"
        "from kanban_webform.models import WebForm\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "    pipeline = Pipeline(name='Sales', stages=[Stage(name='New', position=0)])\n"
        "    db.session.add(pipeline)\n"
        "    db.session.flush()\n"
        "    db.session.add(WebForm(name='Bench', slug='bench', stage=pipeline.stages[0],\n"
        "        fields=[{'key': k, 'label': k.title(), 'required': k != 'message',\n"
        "                 'custom': False} for k in ('name', 'email', 'message')]))\n"
        "    db.session.commit()\n"
    )
    subprocess.run([PYTHON, "-c", setup], env={**os.environ, **env}, check=True, cwd=ROOT)
    return env


CREATE_LEAD_ALONE = """
import time
from kanban.app import create_app
from kanban.extensions import db
from kanban.models import Pipeline, Stage
from kanban.services.leads import create_lead
app = create_app()
with app.app_context():
    db.create_all()
    stage = Stage(name="New", position=0)
    db.session.add(Pipeline(name="Sales", stages=[stage]))
    db.session.commit()
    def one(n):
        create_lead({"title": f"Visitor {n}", "contact_name": f"Visitor {n}",
                     "email": f"alone{n}@example.com", "description": "A quote, please."},
                    user=None, source="web form: Bench", stage=stage,
                    note="Web form: ...", payload={"web_form": {"n": n}})
    for n in range(50):
        one(n)
    started = time.perf_counter()
    for n in range(50, 50 + COUNT):
        one(n)
    print(COUNT / (time.perf_counter() - started))
"""


def create_lead_alone(tmp: Path, url: str, count: int) -> float:
    """Return how many leads per second the core's create_lead makes in one process, no HTTP."""
    env = {"KANBAN_INSTANCE_PATH": str(tmp / "instance-alone"),
           "KANBAN_DATABASE_URL": url,
           "KANBAN_SECRET_KEY": "bench-secret", "KANBAN_PLUGINS": "[]"}
    result = subprocess.run([PYTHON, "-c", CREATE_LEAD_ALONE.replace("COUNT", str(count))],
                            env={**os.environ, **env}, check=True, cwd=ROOT,
                            capture_output=True, text=True)
    return float(result.stdout.strip().splitlines()[-1])


def count_rows(url: str, table: str) -> int:
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url.replace("+psycopg", "")) as db:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def measure_side_by_side(*specs: tuple, args) -> list[float]:
    """Run the servers at once and send their requests in alternate rounds, so that the
    floors and the web form each see the same moments of a noisy machine; return their
    rates (requests a second over all rounds)."""
    servers = []
    try:
        for name, spec, env, chdir, path, tag in specs:
            process, port = start(spec, env, chdir)
            servers.append((process, port, name, path, tag))
            drive(port, path, args.warmup, args.concurrency, tag + "warm")
        seconds = [0.0] * len(servers)
        share = args.requests // args.rounds
        for round_number in range(args.rounds):
            for index, (_process, port, name, path, tag) in enumerate(servers):
                rate, codes = drive(port, path, share, args.concurrency,
                                    f"{tag}{round_number}-")
                if set(codes) - {201}:
                    raise SystemExit(f"{name}: unexpected answers {dict(codes)}")
                seconds[index] += share / rate
    finally:
        for process, *_rest in servers:
            stop(process)
    total = share * args.rounds
    return [total / spent for spent in seconds]


def run(database: str, tmp: Path, urls: list[str], args) -> bool:
    """Measure the floors, the web form and create_lead alone on one database; print them."""
    floor_url, app_floor_url, form_floor_url, form_url, alone_url = urls
    tmp.mkdir(parents=True, exist_ok=True)
    floor_env = prepare_floor(floor_url)
    app_floor_env = prepare_app_floor(tmp, app_floor_url)
    form_env = prepare_webform(tmp, form_url)
    form_floor_env = prepare_webform(tmp / "form-floor", form_floor_url)
    here = Path(__file__).parent
    floor, in_app, checked, full = measure_side_by_side(
        ("floor", "webform:floor_app()", floor_env, here, "/hit", "floor"),
        ("app's floor", "webform:app_floor()", {**app_floor_env, "PYTHONPATH": str(ROOT)},
         here, "/hit", "app"),
        ("form's floor", "webform:form_floor()", {**form_floor_env, "PYTHONPATH": str(ROOT)},
         here, "/checked/bench", "checked"),
        ("web form", "wsgi:app", form_env, ROOT, "/f/bench.json", "visitor"),
        args=args)
    alone = create_lead_alone(tmp, alone_url, min(args.requests, 1000))
    stored = count_rows(form_url, "leads")
    hits = count_rows(floor_url, "hits")
    app_hits = count_rows(app_floor_url, "hits")
    checked_rows = count_rows(form_floor_url, "webform_submissions")
    expected = args.requests // args.rounds * args.rounds + args.warmup
    print(f"{database}: floor    (bare Flask route, one INSERT): {floor:8.0f} requests/s "
          f"({hits}/{expected} rows)")
    print(f"{database}: the app's floor (one INSERT in a route of the app): {in_app:8.0f} "
          f"requests/s ({app_hits}/{expected} rows) = {in_app / floor:.2f} of the floor")
    print(f"{database}: the form's floor (its checks and submission row, no lead): "
          f"{checked:8.0f} requests/s ({checked_rows}/{expected} rows) = "
          f"{checked / floor:.2f} of the floor")
    print(f"{database}: web form (validate, dedupe, lead + timeline + hooks): {full:8.0f} "
          f"submissions/s ({stored}/{expected} leads)")
    print(f"{database}: ratio: {full / floor:.2f} of the floor (target: at least 0.50); "
          f"{full / in_app:.2f} of the app's floor")
    print(f"{database}: for reference, the core's create_lead alone (one process, no HTTP): "
          f"{alone:8.0f} leads/s = {alone / floor:.2f} of the floor")
    return (stored == expected and hits == expected and app_hits == expected
            and checked_rows == expected)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=8,
                        help="alternate rounds of floor and web-form requests")
    parser.add_argument("--postgres", default=os.environ.get("KANBAN_BENCH_DATABASE_URL", ""),
                        help="admin URL of a PostgreSQL server; fresh databases are made there")
    parser.add_argument("--only", choices=["sqlite", "postgresql"],
                        help="run on one database only")
    args = parser.parse_args()
    print(f"gunicorn {WORKERS} workers x {THREADS} threads, {args.concurrency} keep-alive "
          f"clients, {args.requests} requests each in {args.rounds} alternate rounds "
          f"(after {args.warmup} warm-up); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    complete = True
    with tempfile.TemporaryDirectory(prefix="kanban-bench-") as name:
        tmp = Path(name)
        if args.only != "postgresql":
            complete &= run("SQLite", tmp / "sqlite", [
                str(tmp / "floor.db"), f"sqlite:///{tmp / 'app-floor.db'}",
                f"sqlite:///{tmp / 'form-floor.db'}", f"sqlite:///{tmp / 'kanban.db'}",
                f"sqlite:///{tmp / 'alone.db'}"], args)
        if args.postgres and args.only != "sqlite":
            with databases(args.postgres, 5) as (floor_url, app_floor_url, form_floor_url,
                                                 form_url, alone_url):
                complete &= run("PostgreSQL", tmp / "postgresql",
                                [floor_url, app_url(app_floor_url), app_url(form_floor_url),
                                 app_url(form_url), app_url(alone_url)], args)
        elif args.only == "postgresql":
            parser.error("--only postgresql needs --postgres URL")
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
