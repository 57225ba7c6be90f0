"""Personal API tokens: shown once, stored as a SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kanban.extensions import db
from kanban.models import ApiToken, User
from kanban.models.base import utcnow

TOKEN_PREFIX = "kbn_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for the user; return it and the secret, which is never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name.strip()[:120] or "API", token_hash=_digest(secret),
        prefix=secret[:10],
    )
    db.session.add(token)
    db.session.commit()
    return token, secret


def revoke_token(token: ApiToken) -> None:
    """Stop a token from working."""
    token.revoked_at = utcnow()
    db.session.commit()


def user_from_bearer(header: str) -> User | None:
    """Return the active user whose valid token is in an Authorization header."""
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    token = db.session.scalars(
        select(ApiToken)
        .options(joinedload(ApiToken.user))  # one statement per API request, not two
        .where(ApiToken.token_hash == _digest(secret.strip()))
    ).first()
    if token is None or token.is_revoked or not token.user.active:
        return None
    return token.user
