"""The instance folder: the local database file and the generated secret key."""

from __future__ import annotations

import secrets
from pathlib import Path


def ensure_secret_key(instance: Path) -> str:
    """Return the installation's secret key, creating it on first run."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
