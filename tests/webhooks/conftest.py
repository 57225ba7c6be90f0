"""Fixtures for the webhooks plugin: the plugin loaded, and a receiver on loopback that
records what it gets and answers what the test says."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture
def plugins() -> list[str]:
    return ["webhooks"]


@pytest.fixture
def app_config(app_config):
    # The receiver listens on loopback, which webhooks otherwise refuse (SSRF). Rounds run
    # when a test says, except in the test of sending right after a change.
    return {**app_config, "WEBHOOKS_ALLOW_PRIVATE": True, "WEBHOOKS_TIMEOUT_SECONDS": 3,
            "WEBHOOKS_SEND_AT_ONCE": False}


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # status codes to give, in turn; then 200

    def wait_for(self, count: int, seconds: float = 10.0) -> list[Received]:
        import time

        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            length = int(self.headers.get("Content-Length", 0))
            here = holder["receiver"]
            here.received.append(Received(dict(self.headers), self.rfile.read(length)))
            status = here.answers.pop(0) if here.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["receiver"] = Receiver(url=f"http://127.0.0.1:{server.server_port}/hook")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder["receiver"]
    server.shutdown()
    server.server_close()
