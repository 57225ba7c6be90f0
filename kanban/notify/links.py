"""Links that work outside the app: in an email, in a calendar on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, has_request_context, request

FALLBACK_URL = "http://localhost:5000/"


def public_url() -> str:
    """The address the team opens the app at: ``KANBAN_PUBLIC_URL``, else this request's."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/") + "/"
    return request.url_root if has_request_context() else FALLBACK_URL


@contextmanager
def at_public_url(base_url: str | None = None) -> Iterator[None]:
    """Render with ``url_for(..., _external=True)`` writing links at the public address
    (with the path the app is mounted under, if any)."""
    with current_app.test_request_context("/", base_url=base_url or public_url()):
        yield
