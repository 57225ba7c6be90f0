"""``kanban create-user`` and ``kanban create-token``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Role, User
from kanban.services.users import create_user as make_user


@click.command("create-user")
@click.argument("email")
@click.option("--name", default="", help="Full name (defaults to the email's first part).")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value,
              show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Add a person to the team."""
    try:
        user = make_user(email=email, name=name, role=role, password=password)
    except ValidationError as exc:
        details = "; ".join(f"{field}: {message}" for field, message in exc.fields.items())
        raise click.ClickException(f"{exc.message} {details}") from None
    click.echo(f"Created {user.role} {user.email} (#{user.id}).")


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="API", show_default=True, help="What the token is for.")
@with_appcontext
def create_token(email: str, name: str) -> None:
    """Create a personal API token and print it (it is shown only once)."""
    # Imported here: the kanban.auth package brings the pages' login rules with it.
    from kanban.auth.tokens import create_token as make_token

    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.ClickException(f"There is no user with the email {email}.")
    _token, secret = make_token(user, name)
    click.echo(secret)
