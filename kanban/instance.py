"""The installation's own settings: the local database file, the generated secret key and
the team's time zone. What Kanban creates in the instance folder only its owner can read."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def private_folder(path: Path) -> Path:
    """Create the folder (owner-only, 0700, whatever the umask) unless it exists."""
    if not path.exists():
        path.mkdir(parents=True, mode=0o700)
        path.chmod(0o700)
    return path


def private_file(path: Path, content: bytes = b"") -> Path:
    """Create the file (owner-only, 0600, whatever the umask) unless it exists."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    try:
        os.fchmod(descriptor, 0o600)
        os.write(descriptor, content)
    finally:
        os.close(descriptor)
    return path


def ensure_secret_key(instance: Path) -> str:
    """Return the installation's secret key, creating it on first run."""
    path = private_file(instance / "secret_key", secrets.token_hex(32).encode())
    return path.read_text().strip()


def sqlite_url(path: Path) -> str:
    """The URL of the database file, created owner-only first (SQLite gives its journal
    files the same permissions)."""
    private_file(path)
    return f"sqlite:///{path}"


class BadSetting(RuntimeError, ValueError):
    """A setting the application cannot start with; its message names the setting."""


def team_timezone(name: str | None) -> str:
    """Return the zone the team works in: the one set, or else the server's own."""
    if not name:
        import tzlocal  # reads the server's settings: only when the team's zone is not set

        try:
            return tzlocal.get_localzone_name() or "UTC"
        except (ZoneInfoNotFoundError, ValueError):
            return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise BadSetting(
            f"KANBAN_TIMEZONE={name!r} is not a time zone; use a name such as Europe/Lisbon."
        ) from error
    return name
