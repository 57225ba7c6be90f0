"""Team members: create and change users."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Role, User

MIN_PASSWORD_LENGTH = 8


def create_user(*, email: str, name: str = "", role: str = Role.MEMBER, password: str,
                locale: str | None = None) -> User:
    """Add a person to the team; raise ValidationError naming what is wrong."""
    errors: dict[str, str] = {}
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors["email"] = _("This is not a valid email address.")
    else:
        if db.session.scalars(select(User).where(User.email == email)).first():
            errors["email"] = _("Someone on the team already uses this email.")
    if role not in [r.value for r in Role]:
        errors["role"] = _("Use admin, manager or member.")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = _("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    if errors:
        raise ValidationError(_("Some fields need your attention."), fields=errors)
    user = User(email=email, name=(name or email.split("@")[0]).strip()[:120], role=role,
                locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user
