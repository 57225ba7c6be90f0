"""The database address (KANBAN_DATABASE_URL): which ones Kanban opens, and how.

Hosting panels hand out ``postgres://`` and ``postgresql://`` addresses; SQLAlchemy knows
neither the first nor, without a driver, which driver the second means. Both are read as
PostgreSQL through psycopg 3, the driver Kanban installs. Any other database is refused
with one sentence saying which addresses work.
"""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# How an address begins -> how SQLAlchemy is told to open it.
DRIVERS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite+pysqlite",
}
SCHEME = re.compile(r"[a-z][a-z0-9+.-]*", re.IGNORECASE)


class UnknownDatabase(ValueError):
    """An address of a database Kanban does not work with; ``scheme`` is what it begins with
    (empty when it names none)."""

    def __init__(self, scheme: str) -> None:
        super().__init__(scheme)
        self.scheme = scheme


def database_url(address: str) -> str:
    """Return the URL SQLAlchemy opens for a database address, or raise UnknownDatabase."""
    scheme, separator, rest = address.strip().partition("://")
    if not separator or not SCHEME.fullmatch(scheme):
        raise UnknownDatabase("")
    driver = DRIVERS.get(scheme.lower())
    if driver is None:
        raise UnknownDatabase(scheme)
    url = f"{driver}://{rest}"
    try:
        make_url(url)
    except (ArgumentError, ValueError):  # a port that is not a number, say
        raise UnknownDatabase("") from None
    return url


def read_database_address(app: Flask) -> str:
    """Set the application's database URL from its address; a database Kanban cannot use
    raises BadSetting, said in the team's language."""
    from kanban.instance import BadSetting

    try:
        url = database_url(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    except UnknownDatabase as problem:
        with app.app_context():
            raise BadSetting(unknown_database(problem.scheme)) from None
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    return url


def unknown_database(scheme: str) -> str:
    """Say which database addresses Kanban takes (in an application's context)."""
    from flask_babel import gettext as _

    if scheme:
        return _("KANBAN_DATABASE_URL starts with %(scheme)s://, which Kanban cannot use: give "
                 "a PostgreSQL address (postgresql://user@host/name) or an SQLite one "
                 "(sqlite:///path).", scheme=scheme)
    return _("KANBAN_DATABASE_URL is not a database address: give a PostgreSQL address "
             "(postgresql://user@host/name) or an SQLite one (sqlite:///path).")
