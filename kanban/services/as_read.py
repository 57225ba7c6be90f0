"""Objects made from rows already in hand, as if read from the database.

A page or source that reads a few rows many times a second (a web form and its stage on
every submission) can read them as plain rows on the connection, which costs a fraction of
an ORM query, and still hand the rest of the code the usual objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, inspect
from sqlalchemy.orm import make_transient_to_detached

T = TypeVar("T")


def as_read(model: type[T], values: Mapping[str, Any]) -> T:
    """An instance of ``model`` holding ``values`` (its primary key among them) as if just
    read, detached: added to a session, its later changes are written as usual. Columns
    left out are read when first used (in a session)."""
    instance = model(**values)
    make_transient_to_detached(instance)
    return instance


@cache
def read_columns(model: type) -> tuple[ColumnElement, ...]:
    """The model's columns, each labelled with its table, for one select of several models."""
    table = model.__table__.name
    return tuple(prop.columns[0].label(f"{table}__{prop.key}")
                 for prop in inspect(model).column_attrs)


def from_row(model: type[T], row: Row) -> T | None:
    """The ``model`` instance in a row selected with ``read_columns(model)``; None when the
    row has none (an outer join that found nothing)."""
    table = model.__table__.name
    values = {prop.key: getattr(row, f"{table}__{prop.key}")
              for prop in inspect(model).column_attrs}
    if all(values[column.key] is None for column in inspect(model).primary_key):
        return None
    return as_read(model, values)
