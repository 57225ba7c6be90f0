"""Connections to Redis (rate limits, background jobs, open boards' wake-ups, /readyz).

Each one gives up after ``REDIS_TIMEOUT_SECONDS``: a Redis that takes connections and never
answers (a firewall dropping packets, a machine that hangs) must not hold a request, which
then goes on without it (limits counted in the worker's memory, jobs run in a thread,
boards looking for changes themselves).

A Redis that failed (refused, timed out) is then left alone by the whole process for
``RETRY_AFTER_SECONDS``: every client fails at once meanwhile, so one request pays the
timeout, not each request, nor each client within one (Flask-Limiter checks its store
again right after a failure, a request may queue several jobs)."""

from __future__ import annotations

import threading
from functools import cache
from time import monotonic
from typing import Any

from flask import current_app

RETRY_AFTER_SECONDS = 10.0
_failed_at: dict[tuple[Any, Any], float] = {}
_failures_lock = threading.Lock()


def is_redis_address(uri: str | None) -> bool:
    return str(uri or "").startswith(("redis://", "rediss://"))


def redis_options(url: str, timeout: float, *, waits: bool = False) -> dict[str, Any]:
    """Keyword arguments for a Redis client of ``url`` that gives up after ``timeout``
    seconds and leaves a Redis that just failed alone; ``waits``: one that waits for
    messages as long as need be (a worker on its queue, a subscription), TCP keepalives
    finding its connection dead."""
    return {"socket_connect_timeout": timeout, "socket_timeout": None if waits else timeout,
            "socket_keepalive": True,
            "connection_class": connection_class(secure=url.startswith("rediss://"))}


def redis_timeout() -> float:
    return float(current_app.config["REDIS_TIMEOUT_SECONDS"])


def connect_redis(url: str, *, waits: bool = False, timeout: float | None = None):
    """A Redis client for ``url`` that gives up after ``timeout`` seconds (by default
    REDIS_TIMEOUT_SECONDS); returns a ``redis.Redis``, imported only when used."""
    import redis

    seconds = redis_timeout() if timeout is None else timeout
    return redis.Redis.from_url(url, **redis_options(url, seconds, waits=waits))


def failed_a_moment_ago(address: tuple[Any, Any]) -> bool:
    """Tell whether the Redis at ``address`` (host, port) failed less than
    RETRY_AFTER_SECONDS ago in this process."""
    with _failures_lock:
        failed = _failed_at.get(address)
    return failed is not None and monotonic() - failed < RETRY_AFTER_SECONDS


def note_failure(address: tuple[Any, Any]) -> None:
    with _failures_lock:
        _failed_at[address] = monotonic()


@cache
def connection_class(*, secure: bool) -> type:
    """redis-py's connection (``SSLConnection`` for rediss://) that keeps to
    RETRY_AFTER_SECONDS after a failure."""
    import redis
    from redis.connection import Connection, SSLConnection

    failures = (redis.ConnectionError, redis.TimeoutError)

    class LeavesAFailedRedisAlone(SSLConnection if secure else Connection):
        def connect(self) -> None:
            address = (self.host, self.port)
            if failed_a_moment_ago(address):
                raise redis.ConnectionError(
                    f"Redis at {self.host}:{self.port} failed a moment ago; it is asked again "
                    f"{RETRY_AFTER_SECONDS:g} s after that")
            try:
                super().connect()
            except failures:
                note_failure(address)
                raise

        def read_response(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().read_response(*args, **kwargs)
            except failures:  # connected, then it stopped answering
                note_failure((self.host, self.port))
                raise

    return LeavesAFailedRedisAlone
