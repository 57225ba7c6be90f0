"""A real server in a thread and a real Chromium, for browser tests."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import make_server

from tests.factories import PASSWORD

ASSETS = Path(__file__).resolve().parent.parent / ".cache" / "test-assets"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A sideways finger slide would otherwise be taken as the browser's own "back"
    # gesture; the tests look at what the page does with the slide.
    "--disable-features=OverscrollHistoryNavigation",
]


@dataclass
class LiveServer:
    app: Flask
    url: str


def start_live_server(app: Flask) -> tuple[LiveServer, callable]:
    """Serve the app (plus the test copies of front-end files under /_assets/) on a free port."""
    wsgi = SharedDataMiddleware(app.wsgi_app, {"/_assets": str(ASSETS)})
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=5)

    return live, stop


def post(url: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST a body to the live server over a connection of its own; return (status, body)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def post_json(url: str, path: str, body: dict, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST a JSON body to the live server over a connection of its own; return the answer."""
    return post(url, path, json.dumps(body).encode(),
                {"Content-Type": "application/json", **headers})


def at_once(count: int, send) -> list:
    """Run ``send`` in ``count`` threads released together; return their answers."""
    start = threading.Barrier(count)
    answers: list = [None] * count

    def run(index: int) -> None:
        start.wait()
        answers[index] = send()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def on_path(path: str):
    """A `wait_for_url` test for exactly this path: a glob such as "**/agenda" would also
    accept the login page's /login?next=/agenda."""
    return lambda url: urlsplit(url).path == path


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the real login form and wait for the agenda, the home page."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(on_path("/agenda"))


def axe_violations(page) -> list[dict]:
    """Run axe-core (the test copy) on the page; return its violations, shortly."""
    page.evaluate((ASSETS / "axe.min.js").read_text())
    # Only the violations are wanted: axe then skips describing every passing node, which
    # halves its time on a long page; every rule still runs.
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
        for v in results["violations"]
    ]


def require_test_assets(*names: str) -> None:
    """Fail (in CI) or skip when the test copies of front-end files have not been fetched."""
    missing = [name for name in names if not (ASSETS / name).exists()]
    if not missing:
        return
    message = f"Run `make test-assets` first: {', '.join(missing)} missing from {ASSETS}"
    if os.environ.get("KANBAN_TEST_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def require_chromium() -> None:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    message = f"Chromium is not installed at {CHROMIUM}"
    if os.environ.get("KANBAN_TEST_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """One headless Chromium per test worker."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """The test's app served over HTTP on a free loopback port (SQLite only)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("browser tests run on SQLite")
    app.config["SORTABLE_JS_URL"] = "/_assets/Sortable.min.js"
    app.config["SORTABLE_JS_INTEGRITY"] = ""
    live, stop = start_live_server(app)
    yield live
    stop()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser page (own cookies) pointed at the live server."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    yield page
    context.close()
