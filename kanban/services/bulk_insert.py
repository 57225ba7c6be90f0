"""Write many rows of one table in the session's transaction, at the speed of the driver.

A Core ``insert()`` with thousands of rows spends most of its time preparing each row's
parameters. Here each column's conversion for the database is looked up once, a value
repeated from one row to the next (a batch's timestamp) is converted once, the columns a
row leaves out get their defaults once per call, and the rows go to the database in one
``COPY`` (PostgreSQL, for a batch) or one ``executemany`` (SQLite, and a few rows on
PostgreSQL), the two databases Kanban runs on. A driver's error is raised as SQLAlchemy's
(IntegrityError, OperationalError...), as a Core insert raises it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Table, text
from sqlalchemy.exc import DBAPIError

from kanban.extensions import db

Converter = Callable[[Any], Any]
COPY_FROM = 50  # rows: on PostgreSQL, fewer go as one executemany, more as one COPY


def insert_rows(table: Table, rows: Sequence[Mapping[str, Any]], *,
                with_ids: bool = False) -> list[int]:
    """Insert ``rows`` (each with the same fields) into ``table``; with ``with_ids``,
    return the new rows' ids in the rows' order (otherwise an empty list).

    Columns the rows leave out get their Python default, as a Core insert gives them."""
    if not rows:
        return []
    connection = db.session.connection()
    dialect = connection.dialect
    returning = with_ids and len(rows) == 1  # one row: its id comes back with it
    numbered = with_ids and dialect.name == "postgresql" and not returning
    shape = _shape(table, dialect, tuple(rows[0]), numbered)
    ids: list[int] = []
    if numbered:
        ids = list(connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :n)"), {"table": table.name, "n": len(rows)}
        ).scalars())
    tail = tuple(_converted_default(column, convert) for column, convert in shape.filled)
    values = _converted(rows, shape.names, shape.given, ids, tail)
    if dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        statement = shape.copy
        driver = connection.connection.driver_connection
        try:
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                for row in values:
                    copy.write_row(row)
        except dialect.loaded_dbapi.Error as exc:
            # Raised as SQLAlchemy raises it, so callers retry or report it as they would.
            raise DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error,
                                      dialect=dialect) from exc
        return ids
    statement = shape.insert
    # Through the connection, so that its events see the rows (a few: one change's event).
    if returning:
        return [connection.exec_driver_sql(f"{statement} RETURNING id",
                                           next(iter(values))).scalar_one()]
    connection.exec_driver_sql(statement, list(values))
    if with_ids and not ids:
        # The database is locked for writing until commit: the rows just written took
        # the ids that follow one another up to the last one.
        last = connection.exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
        ids = list(range(last - len(rows) + 1, last + 1))
    return ids


def insert_rows_by_shape(table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert rows that may leave out different fields, those of the same fields together
    (a field left out gets its default); return the new rows' ids in the rows' order."""
    shapes: dict[frozenset[str], list[int]] = {}
    for index, row in enumerate(rows):
        shapes.setdefault(frozenset(row), []).append(index)
    ids = [0] * len(rows)
    for indexes in shapes.values():
        written = insert_rows(table, [rows[index] for index in indexes], with_ids=True)
        for index, row_id in zip(indexes, written, strict=True):
            ids[index] = row_id
    return ids


_NONE = object()


def with_defaults(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """The row with every column it leaves out (but the id, and those the database fills
    in itself) given the value a Core insert gives it: its Python default, else None."""
    complete = dict(row)
    for column in table.columns:
        if column.name in complete or column.primary_key:
            continue
        default = _default(column)
        if default is not _NONE:
            complete[column.name] = default
        elif column.server_default is None:
            complete[column.name] = None
    return complete


def _default(column: Any) -> Any:
    """The value a Core insert gives a column left out (``_NONE``: the database's own)."""
    default = column.default
    if default is None or column.primary_key:
        return _NONE
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)
    return _NONE


@dataclass(frozen=True)
class _Shape:
    """How rows with the same fields are written to a table, worked out once."""

    names: list[str]  # the rows' fields, "id" first when the ids are drawn beforehand
    given: list[Converter | None]  # each field's conversion for the database
    filled: list[tuple[Column, Converter | None]]  # the columns left out that get a default
    insert: str
    copy: str


@lru_cache(maxsize=256)
def _shape(table: Table, dialect: Any, names: tuple[str, ...], numbered: bool) -> _Shape:
    """The statements and conversions for rows of these fields, once per table and fields."""
    fields = ["id", *names] if numbered else list(names)
    filled = [column for column in table.columns
              if column.name not in names and _default(column) is not _NONE]
    columns = [*fields, *(column.name for column in filled)]
    converters = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                  for name in columns]
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
    target = dialect.identifier_preparer.format_table(table)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    return _Shape(
        names=fields, given=converters[:len(fields)],
        filled=list(zip(filled, converters[len(fields):], strict=True)),
        insert=f"INSERT INTO {target} ({quoted}) VALUES ({', '.join([mark] * len(columns))})",
        copy=f"COPY {target} ({quoted}) FROM STDIN")


def _converted_default(column: Column, convert: Converter | None) -> Any:
    """The default of a column left out, for this call (a timestamp is taken now)."""
    value = _default(column)
    return convert(value) if convert is not None else value


def _converted(rows: Sequence[Mapping[str, Any]], names: list[str],
               converters: list[Converter | None], ids: list[int],
               tail: tuple[Any, ...]) -> Iterable[tuple[Any, ...]]:
    """Each row's values in ``names`` order, converted, its id first (if any), ``tail``
    last."""
    if ids:
        names, converters = names[1:], converters[1:]
    plain = [(index, name) for index, (name, convert) in enumerate(zip(
        names, converters, strict=True)) if convert is None]
    converted = [(index, name, convert) for index, (name, convert) in enumerate(zip(
        names, converters, strict=True)) if convert is not None]
    last: list[Any] = [_NONE] * len(names)  # a value repeated is converted once
    out: list[Any] = [None] * len(names)
    for number, row in enumerate(rows):
        for index, name in plain:
            out[index] = row[name]
        for index, name, convert in converted:
            value = row[name]
            if value is not last[index]:
                last[index] = value
                out[index] = convert(value) if value is not None else None
        yield ((ids[number], *out, *tail) if ids else (*out, *tail))
