"""The plugin's settings (``KANBAN_WEBHOOKS_*``), with their defaults in one place."""

from __future__ import annotations

from flask import current_app


def allow_private() -> bool:
    """``KANBAN_WEBHOOKS_ALLOW_PRIVATE=true`` lets webhooks call private and local
    addresses (a receiver on the same intranet); off by default (SSRF)."""
    return bool(current_app.config.get("WEBHOOKS_ALLOW_PRIVATE", False))


def timeout_seconds() -> float:
    """How long a receiver has to answer (``KANBAN_WEBHOOKS_TIMEOUT_SECONDS``)."""
    return float(current_app.config.get("WEBHOOKS_TIMEOUT_SECONDS", 10))


def send_at_once() -> bool:
    """Send a change's events from a thread of the app as soon as it is committed
    (``KANBAN_WEBHOOKS_SEND_AT_ONCE``, on by default); off, ``kanban webhooks deliver``
    (cron) sends them."""
    return bool(current_app.config.get("WEBHOOKS_SEND_AT_ONCE", True))
