"""``kanban create-user``, ``kanban set-password`` and ``kanban create-token``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Role, User
from kanban.services.users import create_user as make_user
from kanban.services.users import set_password as give_password


@click.command("create-user")
@click.argument("email")
@click.option("--name", default="", help="Full name (defaults to the email's first part).")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value,
              show_default=True)
@click.option("--password", help="Their password (asked twice when not given).")
@with_appcontext
def create_user(email: str, name: str, role: str, password: str | None) -> None:
    """Add a person to the team."""
    if password is None:
        password = ask_password(_("Password"))
    try:
        user = make_user(email=email, name=name, role=role, password=password)
    except ValidationError as exc:
        raise _refused(exc) from None
    click.echo(_("Created %(role)s %(email)s (#%(id)d).", role=user.role, email=user.email,
                 id=user.id))


@click.command("set-password")
@click.argument("email")
@click.option("--password", help="The new password (asked twice when not given).")
@with_appcontext
def set_password(email: str, password: str | None) -> None:
    """Give a person a new password; they are logged out everywhere."""
    user = _user_by_email(email)  # before asking: a mistyped address is said at once
    if password is None:
        password = ask_password(_("New password"))
    try:
        give_password(user, password)
    except ValidationError as exc:
        raise _refused(exc) from None
    click.echo(_("%(email)s can log in with the new password; their sessions have ended.",
                 email=user.email))


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="API", show_default=True, help="What the token is for.")
@with_appcontext
def create_token(email: str, name: str) -> None:
    """Create a personal API token and print it (it is shown only once)."""
    # Imported here: the kanban.auth package brings the pages' login rules with it.
    from kanban.auth.tokens import create_token as make_token

    _token, secret = make_token(_user_by_email(email), name)
    click.echo(secret)


def ask_password(prompt: str) -> str:
    """Ask for a password twice, hidden, in the team's words."""
    return click.prompt(prompt, hide_input=True,
                        confirmation_prompt=_("Repeat the password"))


def _user_by_email(email: str) -> User:
    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.ClickException(_("There is no user with the email %(email)s.", email=email))
    return user


def _refused(exc: ValidationError) -> click.ClickException:
    details = "; ".join(f"{field}: {message}" for field, message in exc.fields.items())
    return click.ClickException(f"{exc.message} {details}")
