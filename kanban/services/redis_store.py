"""Connections to Redis (rate limits, background jobs, open boards' wake-ups, /readyz).

Each one gives up after ``REDIS_TIMEOUT_SECONDS``: a Redis that takes connections and never
answers (a firewall dropping packets, a machine that hangs) must not hold a request, which
then goes on without it (limits counted in the worker's memory, jobs run in a thread,
boards looking for changes themselves)."""

from __future__ import annotations

from typing import Any

from flask import current_app


def is_redis_address(uri: str | None) -> bool:
    return str(uri or "").startswith(("redis://", "rediss://"))


def redis_options(timeout: float, *, waits: bool = False) -> dict[str, Any]:
    """Keyword arguments for a Redis client that gives up after ``timeout`` seconds;
    ``waits``: one that waits for messages as long as need be (a worker on its queue, a
    subscription), TCP keepalives finding its connection dead."""
    return {"socket_connect_timeout": timeout, "socket_timeout": None if waits else timeout,
            "socket_keepalive": True}


def redis_timeout() -> float:
    return float(current_app.config["REDIS_TIMEOUT_SECONDS"])


def connect_redis(url: str, *, waits: bool = False, timeout: float | None = None):
    """A Redis client for ``url`` that gives up after ``timeout`` seconds (by default
    REDIS_TIMEOUT_SECONDS); returns a ``redis.Redis``, imported only when used."""
    import redis

    seconds = redis_timeout() if timeout is None else timeout
    return redis.Redis.from_url(url, **redis_options(seconds, waits=waits))
