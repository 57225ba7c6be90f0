"""Telling people from robots: a honeypot, a fill-time token and an optional CAPTCHA."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Request, current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from kanban.config import N_
from kanban.extensions import db
from kanban.models.base import utcnow
from kanban.plugins import get_hook
from kanban_webform.fields import HONEYPOT
from kanban_webform.models import UsedToken, WebForm
from kanban_webform.settings import setting

logger = logging.getLogger(__name__)
TOKEN_SALT = "kanban-webform-fill-time"


class TokenExpired(Exception):
    """The page was opened too long ago: the visitor sends it again."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


# Why a submission was kept as spam: stored in English, shown in the reader's words.
SPAM_REASONS = {
    "honeypot": N_("the hidden field was filled in"),
    "no fill-time token": N_("sent without the form's page"),
    "forged fill-time token": N_("sent with a forged page token"),
    "token of another form": N_("sent with another form's page token"),
    "no honeypot": N_("sent without the form's hidden field"),
    "filled too fast": N_("filled in faster than a person can"),
    "captcha": N_("the CAPTCHA was not passed"),
}


def spam_reason_words(reason: str) -> str:
    """Say why a submission was kept as spam, in the reader's language (one this version
    does not know, as stored)."""
    return _(SPAM_REASONS[reason]) if reason in SPAM_REASONS else reason


def fill_token(form: WebForm, *, filled: bool = False) -> str:
    """Return a signed token that records when the form was shown (each page view its own).

    ``filled``: the form comes back already filled in (its page stayed open too long, or
    the message could not be saved), so the visitor may send it again at once: no fill
    time is asked of it."""
    return _serializer().dumps([form.id, secrets.token_urlsafe(8), *([1] if filled else [])])


def spam_reason(
    form: WebForm, data: Mapping[str, Any], *, check_time: bool, from_page: bool = False,
    from_site: bool = False,
) -> str:
    """Return why the submission looks automated ("" when it looks human).

    A form posted from a page (``from_page``) always carries the honeypot field, empty;
    a post without it was not sent from the page. A form pasted into one of the form's
    websites (``from_site``) fetches its token, which fails while the app is out of reach:
    sent without one, its fill time is unknown and the honeypot decides. Raises
    TokenExpired for a form that stayed open longer than the token lives.
    """
    if str(data.get(HONEYPOT) or "").strip():
        return "honeypot"
    if not check_time:
        return ""
    token = data.get("_ts")
    if not isinstance(token, str) or not token:
        return "" if from_site and HONEYPOT in data else "no fill-time token"
    try:
        signed, shown_at = _serializer().loads(
            token, max_age=setting("WEBFORM_TOKEN_MAX_AGE"), return_timestamp=True
        )
    except SignatureExpired:
        raise TokenExpired() from None
    except BadSignature:
        return "forged fill-time token"
    # Tokens handed out before they carried a nonce hold the form id alone.
    form_id = signed[0] if isinstance(signed, list) and signed else signed
    if form_id != form.id:
        return "token of another form"
    if from_page and HONEYPOT not in data:
        return "no honeypot"
    filled = isinstance(signed, list) and signed[2:] == [1]
    if not filled and (utcnow() - shown_at).total_seconds() < setting("WEBFORM_MIN_FILL_SECONDS"):
        return "filled too fast"
    return ""


def use_fill_token(form: WebForm, token: str) -> bool:
    """Mark the token used; return False when it already brought a submission in.

    The unique token hash makes two posts of one filled form (a double click, a retry)
    race safely: one of them gets True and makes the lead.
    """
    cutoff = utcnow() - timedelta(seconds=setting("WEBFORM_TOKEN_MAX_AGE") + 3600)
    db.session.execute(delete(UsedToken).where(UsedToken.used_at < cutoff))
    db.session.add(UsedToken(form_id=form.id, token_hash=_token_hash(token)))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def is_used_token(token: str) -> bool:
    """Tell whether this token already brought a submission in."""
    return db.session.scalar(
        select(UsedToken.id).where(UsedToken.token_hash == _token_hash(token))) is not None


def release_fill_token(token: str) -> None:
    """Let a token be used again: its submission could not be stored. Best effort: with the
    database still out of reach the token stays used, and the visitor gets a fresh one."""
    db.session.rollback()
    try:
        db.session.execute(delete(UsedToken).where(UsedToken.token_hash == _token_hash(token)))
        db.session.commit()
    except DBAPIError:
        db.session.rollback()
        logger.warning("A web form's fill token could not be freed; the database is out of reach")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def captcha_problem(form: WebForm, request: Request) -> str | None:
    """Ask the CAPTCHA plugin (if any) whether the visitor passed; return its complaint."""
    return get_hook("kanban_webform_verify_captcha")(form=form, request=request)
