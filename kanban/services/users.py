"""Team members: create and change users."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import exists, func, select, update

from kanban.errors import NotFound, ValidationError
from kanban.extensions import db
from kanban.models import ApiToken, Lead, LeadStatus, Role, User
from kanban.models.base import utcnow
from kanban.permissions import require

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200


def list_users() -> list[User]:
    """Return the team, active people first, by name."""
    return list(
        db.session.scalars(select(User).order_by(User.active.desc(), User.name, User.id))
    )


def active_users() -> list[User]:
    """Return the people who can log in and own leads, by name."""
    return list(db.session.scalars(select(User).where(User.active).order_by(User.name, User.id)))


def people_with_leads(*, open_only: bool = False) -> list[User]:
    """Return the people leads can be filtered by, by name: the team, and whoever left it
    but still owns leads (``open_only``: open ones), whose leads someone must find."""
    owns = select(Lead.id).where(Lead.owner_id == User.id)
    if open_only:
        owns = owns.where(Lead.status == LeadStatus.OPEN)
    return list(db.session.scalars(
        select(User).where(User.active | exists(owns)).order_by(User.name, User.id)))


def get_user(user_id: int) -> User:
    """Return the user or raise NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("This person is not on the team."))
    return user


def generate_password() -> str:
    """Return a random password that is easy to type once."""
    return secrets.token_urlsafe(12)


def create_user(*, email: str, name: str = "", role: str = Role.MEMBER, password: str,
                locale: str | None = None, user: User | None = None) -> User:
    """Add a person to the team; raise ValidationError naming what is wrong."""
    if user is not None:
        require(user, "user.manage")
    errors: dict[str, str] = {}
    email, problem = _checked_email(email)
    if problem:
        errors["email"] = problem
    if not isinstance(name, str | None) or "\x00" in (name or ""):
        errors["name"] = _("Write the name as plain text.")
    elif len((name or "").strip()) > 120:
        errors["name"] = _("At most %(limit)d characters.", limit=120)
    if role not in [r.value for r in Role]:
        errors["role"] = _("Use admin, manager or member.")
    if problem := _password_problem(password):
        errors["password"] = problem
    if errors:
        raise ValidationError(_("Some fields need your attention."), fields=errors)
    person = User(email=email, name=(name or "").strip() or email.split("@")[0][:120],
                  role=role, locale=locale)
    person.set_password(password)
    db.session.add(person)
    db.session.commit()
    return person


def set_password(person: User, password: str, *, user: User | None = None) -> User:
    """Give a person a new password; their sessions and remember-me cookies end."""
    if user is not None:
        require(user, "user.manage")
    if problem := _password_problem(password):
        raise ValidationError(_("Some fields need your attention."),
                              fields={"password": problem})
    person.set_password(password)
    person.end_sessions()  # whoever knew the old password is logged out everywhere
    db.session.commit()
    return person


def change_email(person: User, email: str, *, user: User | None = None) -> User:
    """Correct the address a person logs in with; another person's address is refused."""
    if user is not None:
        require(user, "user.manage")
    email, problem = _checked_email(email, other_than=person)
    if problem:
        raise ValidationError(_("Some fields need your attention."), fields={"email": problem})
    person.email = email
    db.session.commit()
    return person


def _checked_email(email: object, *, other_than: User | None = None) -> tuple[str, str]:
    """Return the address normalised, and what is wrong with it ("" when nothing is)."""
    # Imported here: email_validator compiles its rules on import, which a command that
    # checks no address (an MTA piping a message, `kanban --help`) need not wait for.
    from email_validator import EmailNotValidError, validate_email

    try:
        if not isinstance(email, str):
            raise EmailNotValidError("not text")
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return "", _("This is not a valid email address.")
    taken = select(User.id).where(func.lower(User.email) == email)
    if other_than is not None:
        taken = taken.where(User.id != other_than.id)
    if db.session.scalars(taken).first() is not None:
        return email, _("Someone on the team already uses this email.")
    return email, ""


def _password_problem(password: object) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("At most %(limit)d characters.", limit=MAX_PASSWORD_LENGTH)
    return ""


def change_role(person: User, role: str, *, user: User | None = None) -> User:
    """Give a person another role; the team always keeps an active admin."""
    if user is not None:
        require(user, "user.manage")
    if role not in [r.value for r in Role]:
        raise ValidationError(
            _("Use admin, manager or member."), fields={"role": _("Unknown role.")}
        )
    if person.role == Role.ADMIN and role != Role.ADMIN and _is_last_admin(person):
        raise ValidationError(
            _("%(name)s is the last admin. Make someone else an admin first.", name=person.name),
            fields={"role": _("The team needs an admin.")},
        )
    if person.role != role:
        person.end_sessions()  # what an open session may do changes with the role
    person.role = role
    db.session.commit()
    return person


def deactivate_user(person: User, *, user: User | None = None) -> User:
    """Stop a person from logging in; their leads and history stay."""
    if user is not None:
        require(user, "user.manage")
        if person.id == user.id:
            raise ValidationError(
                _("You cannot deactivate yourself. Ask another admin."),
                fields={"active": _("This is you.")},
            )
    if person.role == Role.ADMIN and _is_last_admin(person):
        raise ValidationError(
            _("%(name)s is the last admin. Make someone else an admin first.", name=person.name),
            fields={"active": _("The team needs an admin.")},
        )
    person.active = False
    person.end_sessions()
    # Their tokens end too, for good: coming back later does not wake a script left behind.
    db.session.execute(update(ApiToken).where(ApiToken.user_id == person.id,
                                              ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    db.session.commit()
    return person


def reactivate_user(person: User, *, user: User | None = None) -> User:
    """Let a deactivated person log in again."""
    if user is not None:
        require(user, "user.manage")
    person.active = True
    db.session.commit()
    return person


def _is_last_admin(person: User) -> bool:
    if not person.active:
        return False
    others = db.session.scalar(
        select(func.count(User.id)).where(
            User.role == Role.ADMIN, User.active, User.id != person.id
        )
    )
    return not others
