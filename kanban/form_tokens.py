"""The one-time token of a staff form that creates something: saved once, whatever happens.

A form sent twice (a second click on a slow connection, the browser sending it again after
a network error or Back, a page without JavaScript) must not make a second lead, note or
list. Every form of the kit carries a token made when the page is shown; a view marked
``saved_once`` keeps it, per user, with what it saved (``services.keys_with_commit``) and
the page it then sent the person to. The same token sent again saves nothing and goes to
that page, saying so. A refused form saved nothing: its token stays free for the corrected
form. A form without a token (a page opened before an upgrade) is saved as it always was.
Tokens are kept as long as the API's Idempotency-Keys (``KEEP_FOR``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kanban.auth.access import page_sent_from
from kanban.extensions import db
from kanban.services.idempotency import KeptKey, StoredAnswer, kept_key, release_key, store_answer
from kanban.services.keys_with_commit import key_with_commit

FIELD = "once_token"
SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what ``new_token`` makes
NOT_CONTENT = {FIELD, "csrf_token"}  # the same form sent again may carry another CSRF token
F = TypeVar("F", bound=Callable[..., Any])


def new_token() -> str:
    """Return a fresh token for one form on a page (none for a visitor not logged in)."""
    return secrets.token_urlsafe(24) if current_user.is_authenticated else ""


def saved_once(view: F) -> F:
    """Save a POST of this form once per token; answer a token sent again with the page the
    first send went to. Mark only views that redirect once they saved."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        token = request.form.get(FIELD, "") if request.method == "POST" else ""
        if not SHAPE.fullmatch(token) or not current_user.is_authenticated:
            return view(*args, **kwargs)
        scope, fingerprint = f"form:user:{current_user.id}", _fingerprint()
        if (kept := kept_key(scope, token)) is not None:
            return _replay(kept, fingerprint)
        with key_with_commit(scope, token, fingerprint) as held:
            try:
                response = make_response(view(*args, **kwargs))
            except Exception:
                db.session.rollback()
                if not held.written and (kept := kept_key(scope, token)) is not None:
                    return _replay(kept, fingerprint)  # the first send won the race
                raise
        if not held.written:
            # Refused, or nothing to save; a refusal may be this send losing the race to
            # the first send of the same form, whose answer is then the one to give.
            kept = kept_key(scope, token)
            return response if kept is None else _replay(kept, fingerprint)
        if response.status_code in (301, 302, 303, 307, 308):
            store_answer(scope, token, StoredAnswer(response.status_code, "", "",
                                                    response.headers.get("Location", "")))
        else:  # the answer says nothing was saved: the corrected form may use the token
            release_key(scope, token)
        return response

    return wrapper  # type: ignore[return-value]


def _fingerprint() -> str:
    """What the form held: the same form sent again holds the same."""
    digest = hashlib.sha256()
    parts = [(name, value) for name, value in request.form.items(multi=True)
             if name not in NOT_CONTENT]
    for name, upload in request.files.items(multi=True):
        parts.append((name, f"{upload.filename}:{hashlib.sha256(upload.read()).hexdigest()}"))
        upload.seek(0)
    for name, value in sorted(parts):
        for part in (name.encode(), value.encode()):
            digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _replay(kept: KeptKey, fingerprint: str) -> Response:
    if kept.fingerprint == fingerprint:
        flash(_("This was already saved; it is not saved twice."), "info")
    else:
        flash(_("This form was already saved when you first sent it; what you changed since "
                "is not saved. Check what was saved, and change it here if needed."), "info")
    answer = kept.answer
    if answer is None or not answer.location:  # saved, its answer lost (a worker stopped)
        return redirect(page_sent_from() or url_for("web.board"), 303)
    return redirect(answer.location, answer.status)
