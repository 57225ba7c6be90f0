"""Two boards served by two gunicorn worker processes (one each), on SQLite and on
PostgreSQL: a move made through one process shows on the board the other process serves,
since both read the same outbox."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import card, drag_to, settled
from tests.live import log_in

GUNICORN = Path(sys.executable).parent / "gunicorn"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(app, tmp_path: Path, name: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "KANBAN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "KANBAN_SECRET_KEY": "workers-test",
        "KANBAN_INSTANCE_PATH": str(tmp_path / f"instance-{name}"),
        "KANBAN_PLUGINS": "[]",
        "KANBAN_SORTABLE_JS_LOCAL": "true",
        "KANBAN_LIVE_STREAM_SECONDS": "5",
        "KANBAN_LIVE_POLL_SECONDS": "0.3",
        "KANBAN_TIMEZONE": "UTC",
    }
    process = subprocess.Popen(
        [str(GUNICORN), "--workers", "1", "--worker-class", "gthread", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT),
         "--error-logfile", str(tmp_path / f"{name}.log"), "wsgi:app"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None:
                pytest.fail((tmp_path / f"{name}.log").read_text())
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"gunicorn {name} did not start")


@pytest.fixture
def two_workers(app, tmp_path, sales, seller) -> Iterator[tuple[str, str]]:
    started = [start_gunicorn(app, tmp_path, name) for name in ("one", "two")]
    yield tuple(url for _process, url in started)
    for process, _url in started:
        process.terminate()
        process.wait(timeout=10)


def board_at(chromium, url: str, email: str):
    context = chromium.new_context(base_url=url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, email)
    page.goto("/board")
    page.wait_for_function("() => document.body.dataset.boardReady === '1'")
    page.wait_for_function("() => document.body.dataset.live === 'stream'")
    return page


def test_a_move_through_one_worker_shows_on_the_board_of_the_other(chromium, two_workers,
                                                                     seller):
    first, second = (board_at(chromium, url, seller.email) for url in two_workers)
    try:
        drag_to(first, card(first, "Alpha"), card(first, "Delta"))
        settled(first)

        contacted = second.locator(".column", has=second.locator("h2", has_text="Contacted"))
        expect(contacted.locator(".card", has_text="Alpha")).to_be_visible()
        expect(contacted.locator(".count")).to_have_text("3")
    finally:
        first.context.close()
        second.context.close()
