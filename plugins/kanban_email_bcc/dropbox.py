"""Dropbox addresses: one private address per person, its token names them."""

from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kanban.extensions import db
from kanban.models import User
from kanban_email_bcc.models import Dropbox

DEFAULT_DOMAIN = "kanban.localhost"
LOCAL_PART = "dropbox"


def dropbox_domain() -> str:
    """Return the mail domain dropbox addresses live under."""
    return (current_app.config.get("EMAIL_BCC_DOMAIN") or DEFAULT_DOMAIN).strip().lower()


def team_domains() -> set[str]:
    """Return the domains whose addresses are the team's, never a prospect's."""
    configured = current_app.config.get("EMAIL_BCC_TEAM_DOMAINS") or []
    if isinstance(configured, str):
        configured = configured.split(",")
    return {dropbox_domain()} | {d.strip().lower().lstrip("@") for d in configured if d.strip()}


def dropbox_address(dropbox: Dropbox) -> str:
    """Return the address a person BCCs to put mail on their leads."""
    return f"{LOCAL_PART}+{dropbox.token}@{dropbox_domain()}"


def get_dropbox(user: User) -> Dropbox:
    """Return the person's dropbox, creating it the first time."""
    dropbox = db.session.scalar(select(Dropbox).where(Dropbox.user_id == user.id))
    if dropbox is not None:
        return dropbox
    dropbox = Dropbox(user_id=user.id, token=_new_token())
    db.session.add(dropbox)
    try:
        db.session.commit()
    except IntegrityError:  # created at the same moment by another request
        db.session.rollback()
        return db.session.scalars(select(Dropbox).where(Dropbox.user_id == user.id)).one()
    return dropbox


def rotate_token(user: User) -> Dropbox:
    """Give the person a new dropbox address; the old one stops working at once."""
    dropbox = get_dropbox(user)
    dropbox.token = _new_token()
    db.session.commit()
    return dropbox


def token_from_address(address: str) -> str | None:
    """Return the token of a dropbox address, or None if it is not one of ours."""
    local, _, domain = (address or "").strip().strip("<>").lower().rpartition("@")
    if not local or domain != dropbox_domain() or "+" not in local:
        return None
    return local.rsplit("+", 1)[1] or None


def find_dropbox(addresses: list[str]) -> tuple[Dropbox | None, str | None]:
    """Return the first known dropbox among the addresses, and the first token seen."""
    first_token = None
    for address in addresses:
        token = token_from_address(address)
        if token is None:
            continue
        first_token = first_token or token
        dropbox = db.session.scalar(select(Dropbox).where(Dropbox.token == token))
        if dropbox is not None:
            return dropbox, token
    return None, first_token


def _new_token() -> str:
    return secrets.token_hex(10)
