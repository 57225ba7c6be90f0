"""The installation's own settings: the local database file, the generated secret key and
the team's time zone."""

from __future__ import annotations

import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tzlocal


def ensure_secret_key(instance: Path) -> str:
    """Return the installation's secret key, creating it on first run."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def team_timezone(name: str | None) -> str:
    """Return the zone the team works in: the one set, or else the server's own."""
    if not name:
        try:
            return tzlocal.get_localzone_name() or "UTC"
        except (ZoneInfoNotFoundError, ValueError):
            return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(
            f"KANBAN_TIMEZONE={name!r} is not a time zone; use a name such as Europe/Lisbon."
        ) from error
    return name
