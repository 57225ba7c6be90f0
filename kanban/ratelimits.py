"""Rate limits fail open: when their store (Redis) is down, requests are still served.

Flask-Limiter then counts in each worker's memory and would complain on every request; the
operator gets one plain line a minute instead.
"""

from __future__ import annotations

import logging
import threading
from time import monotonic

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)

LIMITER_LOGGER = "flask-limiter"
OUTAGE_LOG_INTERVAL_SECONDS = 60
# What Flask-Limiter says when its store fails (falling back, or swallowing the error).
STORE_COMPLAINTS = (
    "Rate limit storage unreachable",
    "Failed to rate limit",
    "Failed to deduct rate limit",
    "Failed to update rate limit headers",
)


class RateLimitOutage:
    """Say at most once a minute that the rate-limit store cannot be reached."""

    def __init__(self, interval: float = OUTAGE_LOG_INTERVAL_SECONDS) -> None:
        self.interval = interval
        self._last: float | None = None
        self._lock = threading.Lock()

    def report(self, record: logging.LogRecord) -> None:
        with self._lock:
            now = monotonic()
            if self._last is not None and now - self._last < self.interval:
                return
            self._last = now
        error = record.exc_info[1] if record.exc_info else None
        log.error(
            "The rate-limit store (RATELIMIT_STORAGE_URI) cannot be reached: requests are "
            "served, with limits counted in each worker's memory until it is back (%s). "
            "Said once a minute while it lasts.",
            f"{type(error).__name__}: {error}" if error else record.getMessage(),
        )


class _StoreComplaints(logging.Filter):
    """Hand Flask-Limiter's store complaints to the current application's outage log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not (isinstance(record.msg, str) and record.msg.startswith(STORE_COMPLAINTS)):
            return True
        if not has_app_context():
            return True
        outage = current_app.extensions.get("kanban_rate_limit_outage")
        if outage is None:
            return True
        outage.report(record)
        return False


def give_the_store_timeouts(app: Flask) -> None:
    """Have a Redis store give up after REDIS_TIMEOUT_SECONDS, and leave a Redis that just
    failed alone for a while (before the limiter is bound): its health check, which it runs
    again right after a failure, would otherwise wait for a Redis that never answers, and
    the request with it. Options set in RATELIMIT_STORAGE_OPTIONS win."""
    from kanban.services.redis_store import is_redis_address, redis_options

    uri = app.config.get("RATELIMIT_STORAGE_URI")
    if is_redis_address(uri):
        given = app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}
        timeout = float(app.config["REDIS_TIMEOUT_SECONDS"])
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {**redis_options(uri, timeout), **given}


def init_rate_limits(app: Flask) -> None:
    """Give the application its outage log and route Flask-Limiter's complaints to it."""
    from kanban.extensions import limiter

    app.extensions["kanban_rate_limit_outage"] = RateLimitOutage()
    # The limiter object is shared by every application of the process (tests make many);
    # a new application's store has not failed yet, and its first failure must be told.
    limiter._storage_dead = False  # noqa: SLF001
    limiter_log = logging.getLogger(LIMITER_LOGGER)
    if not any(isinstance(existing, _StoreComplaints) for existing in limiter_log.filters):
        limiter_log.addFilter(_StoreComplaints())
