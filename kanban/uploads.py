"""Files people upload to import (a CSV of leads, a prospect list).

Such a file may be far larger than anything else the app is sent, so its page takes a
limit of its own. A file over that limit is refused with the limit named: the view
catches ``RequestEntityTooLarge`` (raised when the body is read, or by ``save_upload``)
and shows its page again with ``size_limit``'s words, status 413.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from babel.units import format_unit
from flask import current_app, request
from flask_babel import get_locale
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from kanban.extensions import csrf
from kanban.instance import private_file

COPY_CHUNK = 1024 * 1024
MEGABYTE = 1024 * 1024


def accept_upload(limit: int) -> None:
    """Let this request's body be up to ``limit`` bytes, then check its CSRF token.

    Call it first in a view marked ``csrf_exempt``: the usual check would read the body
    under the app's smaller limit. A body over ``limit`` raises RequestEntityTooLarge.
    """
    request.max_content_length = limit
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


def size_limit(limit: int) -> str:
    """Write an upload's size limit as the reader does: "50 MB", "50 МБ"."""
    return format_unit(round(limit / MEGABYTE), "digital-megabyte", "short",
                       locale=get_locale())


def save_upload(upload: FileStorage, path: Path, limit: int) -> tuple[str, int]:
    """Copy an upload to an owner-only file; return its SHA-256 (hex) and size. Past
    ``limit`` bytes the file is removed and RequestEntityTooLarge raised."""
    digest, size = hashlib.sha256(), 0
    with private_file(path).open("wb") as out:
        while chunk := upload.stream.read(COPY_CHUNK):
            size += len(chunk)
            if size > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise RequestEntityTooLarge()
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size
