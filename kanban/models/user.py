from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import String, false
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from kanban.extensions import db
from kanban.models.base import JSONType, UTCDateTime, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    MEMBER = "member"


class LoginUser:
    """What Flask-Login asks of a user, as its ``UserMixin`` answers it, without importing
    Flask-Login (with its test client): a command that logs nobody in does not load it."""

    __hash__ = object.__hash__  # defining __eq__ would otherwise unset it

    @property
    def is_active(self) -> bool:
        return True

    @property
    def is_authenticated(self) -> bool:
        return self.is_active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)  # type: ignore[attr-defined]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LoginUser):
            return self.get_id() == other.get_id()
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return NotImplemented if equal is NotImplemented else not equal


class User(LoginUser, db.Model):
    __tablename__ = "users"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER.value)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    currency: Mapped[str | None] = mapped_column(String(3))
    # A hunter finds new business, so prospects come before clients on their agenda and
    # board; a farmer (the default) looks after clients first.
    prospects_first: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Part of the id a session and a remember-me cookie carry: raising it ends them all.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What they want to be told, and how: {"kind": {"app": bool, "email": bool}, "digest":
    # bool}; a kind not named here follows its defaults (kanban.notifications.kinds).
    notification_settings: Mapped[dict[str, Any]] = mapped_column(
        JSONType, default=dict, server_default="{}"
    )
    # The secret in their calendar feed's address; renewing it makes the old address stop.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    def get_id(self) -> str:
        """Return the id a login session keeps: the user's id and their session version."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Make every session and remember-me cookie made so far stop working."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"
