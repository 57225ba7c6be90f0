"""A file waiting to be mapped into a list: kept owner-only under the instance folder."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from kanban.errors import NotFound, ValidationError
from kanban.instance import private_file, private_folder
from kanban.uploads import save_upload, size_limit

MAX_BYTES = 20 * 1024 * 1024
KEEP_SECONDS = 24 * 3600
TOKEN = re.compile(r"[0-9a-f]{32}")


def folder() -> Path:
    return private_folder(Path(current_app.instance_path) / "prospect-uploads")


def max_bytes() -> int:
    return int(current_app.config.get("PROSPECTS_MAX_BYTES", MAX_BYTES))


def too_large_message() -> str:
    return _("This file is larger than %(size)s. Split it into smaller files.",
             size=size_limit(max_bytes()))


def store(upload: FileStorage | None) -> str:
    """Keep an uploaded file; return its token. Files older than a day are removed; a
    file over the limit raises RequestEntityTooLarge (``too_large_message`` says so)."""
    if upload is None or not upload.filename:
        raise ValidationError(_("Some fields need your attention."),
                              fields={"file": _("Choose a CSV file to upload.")})
    cutoff = time.time() - KEEP_SECONDS
    for old in folder().iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    save_upload(upload, folder() / f"{token}.csv", max_bytes())
    return token


def path_of(token: str) -> Path:
    if not TOKEN.fullmatch(token or ""):
        raise NotFound(_("This upload is gone: upload the file again."))
    path = folder() / f"{token}.csv"
    if not path.exists():
        raise NotFound(_("This upload is gone: upload the file again."))
    return path


def being_imported(token: str) -> Path:
    return folder() / f"{token}.importing"


def claim(token: str) -> Path:
    """Take the upload for one import: a second click on Import (or the page posted
    twice) finds it taken and is told where the first went, instead of a second list."""
    path = path_of(token)
    taken = being_imported(token)
    try:
        path.rename(taken)
    except FileNotFoundError:
        raise NotFound(_("This upload is gone: upload the file again.")) from None
    return taken


def give_back(token: str) -> None:
    """Let the upload be mapped again after an import that was refused."""
    taken = being_imported(token)
    if taken.exists():
        taken.rename(folder() / f"{token}.csv")


def imported(token: str, list_id: int) -> None:
    """The upload is in a list now: remember which, so a repeated click finds it."""
    being_imported(token).unlink(missing_ok=True)
    private_file(folder() / f"{token}.list", str(list_id).encode())


def where_it_went(token: str) -> int | None:
    """The list an upload went into (None: it is still being imported, or unknown)."""
    if not TOKEN.fullmatch(token or ""):
        return None
    done = folder() / f"{token}.list"
    return int(done.read_text()) if done.exists() else None


