"""Files only their owner can read: backups and exports carry the whole client base."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

PRIVATE_MODE = 0o600  # whatever the umask


def create_private_file(path: Path) -> None:
    """Create an empty file only its owner can read; fail if the file exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    os.close(descriptor)
    path.chmod(PRIVATE_MODE)


def open_private_file(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a file for writing, empty, readable by its owner only (one written before with
    other permissions is made private first)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    try:
        os.fchmod(descriptor, PRIVATE_MODE)
        return os.fdopen(descriptor, "wb")
    except BaseException:
        os.close(descriptor)
        raise
