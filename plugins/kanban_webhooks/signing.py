"""The signature a receiver checks: HMAC-SHA256 over the timestamp and the body.

Header ``Kanban-Signature: t=<unix seconds>,v1=<hex digest>``, where the digest is
``HMAC-SHA256(secret, "<t>.<body>")``. A receiver recomputes it with the subscription's
secret, compares in constant time, and refuses a timestamp older than a few minutes (a
replayed request)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "Kanban-Signature"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (in Python): True when the header signs this body, recently."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))
