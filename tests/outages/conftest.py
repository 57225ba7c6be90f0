"""Databases that cannot answer: unreachable, locked too long, read-only."""

from __future__ import annotations

import ctypes
import os
import socket
import sqlite3
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from kanban.app import create_app
from kanban.extensions import db
from tests.conftest import RequestClient

# Short waits, so the tests that hold a lock do not sit out the real 5 s.
SHORT_WAIT_MS = 100


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port on 127.0.0.1 whose connections are taken and never read or answered (a
    firewall dropping packets, a server that hangs)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


@dataclass
class SilentServer:
    """A port on 127.0.0.1 whose connections are taken, counted and never answered."""

    port: int
    taken: list[socket.socket]

    @property
    def connections(self) -> int:
        return len(self.taken)


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    """Like ``silent_port``, counting the connections made to it."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        server.settimeout(0.05)
        silent = SilentServer(server.getsockname()[1], [])
        stop = threading.Event()

        def take() -> None:
            while not stop.is_set():
                with suppress(OSError):  # the wait for the next one ended
                    silent.taken.append(server.accept()[0])

        taker = threading.Thread(target=take, daemon=True)
        taker.start()
        yield silent
        stop.set()
        taker.join(5)
        for connection in silent.taken:
            connection.close()


# A socket filter that keeps no packet: the kernel drops whatever reaches the socket before
# TCP sees it, so nothing is acknowledged, as when the host is gone or a firewall drops it
# (a program that merely stops reading is still acknowledged by its kernel).
SO_ATTACH_FILTER = 26
_KEEP_NOTHING = (ctypes.c_uint64 * 1)(struct.unpack("Q", struct.pack("HBBI", 0x06, 0, 0, 0))[0])
_FILTER_PROGRAM = struct.pack("HL", len(_KEEP_NOTHING), ctypes.addressof(_KEEP_NOTHING))


def drop_everything_sent_to(sock: socket.socket) -> None:
    """Make ``sock`` silent: what is sent to it is neither read nor acknowledged."""
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, _FILTER_PROGRAM)


class ProxyThatGoesSilent:
    """A TCP proxy to a real server that, on ``go_silent()``, stops forwarding and
    acknowledging anything, on the connections it holds and on new ones."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.app_sides: list[socket.socket] = []
        self.server_sides: list[socket.socket] = []
        self.silent = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def go_silent(self) -> None:
        self.silent.set()
        drop_everything_sent_to(self.listener)
        for sock in self.app_sides:
            drop_everything_sent_to(sock)

    def close(self) -> None:
        for sock in [self.listener, *self.app_sides, *self.server_sides]:
            with suppress(OSError):  # shut down first: that wakes the threads waiting on it
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.app_sides.append(client)
            self.server_sides.append(server)
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._forward, args=(source, target), daemon=True).start()

    def _forward(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while (data := source.recv(65536)) and not self.silent.is_set():
                target.sendall(data)
        except OSError:
            return


# Far below psycopg's own 130 s wait, above the few seconds the app gives a connection.
GUARD_SECONDS = 25


def within_guard(call):
    """Run ``call`` in a thread; what it returned, or fail if it is still waiting."""
    answers = []
    thread = threading.Thread(target=lambda: answers.append(call()), daemon=True)
    thread.start()
    thread.join(GUARD_SECONDS)
    assert answers, f"still waiting after {GUARD_SECONDS} s"
    return answers[0]


def app_on(app_config: dict, tmp_path, **config) -> Flask:
    os.environ["KANBAN_INSTANCE_PATH"] = str(tmp_path / "instance")
    application = create_app({**app_config, **config})
    application.test_client_class = RequestClient
    return application


@pytest.fixture
def unreachable_app(app_config, backend, tmp_path) -> Iterator[Flask]:
    """An application whose database refuses connections (no server, or no such file)."""
    if backend == "postgresql":
        url = f"postgresql+psycopg://kanban@127.0.0.1:{closed_port()}/kanban"
    else:
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'kanban.db'}"
    application = app_on(app_config, tmp_path, SQLALCHEMY_DATABASE_URI=url)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_config(app_config, backend) -> dict:
    """Writers give up quickly: SQLite's busy timeout, PostgreSQL's lock timeout."""
    config = {**app_config, "SQLITE_BUSY_TIMEOUT_MS": SHORT_WAIT_MS,
              "WEBFORM_MIN_FILL_SECONDS": 0}
    if backend == "postgresql":
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"options": f"-c lock_timeout={SHORT_WAIT_MS}"}
        }
    return config


@pytest.fixture
def database_locked(app, backend) -> Iterator[Callable[[], None]]:
    """Another connection holds SQLite's write lock, or PostgreSQL's timeline table: there a
    new lead is written and its first timeline entry then waits, so a half-written lead would
    show if the failure did not roll it back. Yields the function that lets go."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.commit()
    if backend == "sqlite":
        holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")

        def release() -> None:
            if holder.in_transaction:
                holder.execute("ROLLBACK")
    else:
        engine = create_engine(url)
        connection = engine.connect()
        transaction = connection.begin()
        connection.execute(text("LOCK TABLE activities IN ACCESS EXCLUSIVE MODE"))

        def release() -> None:
            if transaction.is_active:
                transaction.rollback()
    try:
        yield release
    finally:
        release()
        if backend == "sqlite":
            holder.close()
        else:
            connection.close()
            engine.dispose()


@pytest.fixture
def read_only_app(app, app_config, backend, tmp_path) -> Iterator[Flask]:
    """The same database, opened read-only (as a standby after a failover answers)."""
    db.session.commit()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if backend == "sqlite":
        config = {"SQLALCHEMY_DATABASE_URI":
                  f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"}
    else:
        config = {"SQLALCHEMY_ENGINE_OPTIONS": {
            "connect_args": {"options": "-c default_transaction_read_only=on"}}}
    application = app_on(app_config, tmp_path, **config)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def plugins() -> list[str]:
    return ["webform"]
