"""Whether an id was ever given out: a row gone since (deleted) or one that never was.

Tables whose ids are never reused (``sqlite_autoincrement`` on SQLite, a sequence on
PostgreSQL) remember the highest id they gave; an id above it never existed."""

from __future__ import annotations

from sqlalchemy import text

from kanban.extensions import db


def was_ever_issued(table: str, row_id: int) -> bool:
    """True when ``table`` gave out ``row_id`` at some time (the row may be gone since).

    On a database that keeps no such count, every id counts as given out."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        highest = db.session.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = :table"), {"table": table}
        ).scalar() if _has_sqlite_sequence() else None
    elif dialect == "postgresql":
        highest = db.session.execute(
            text("SELECT pg_sequence_last_value(pg_get_serial_sequence(:table, 'id'))"),
            {"table": table},
        ).scalar()
    else:
        return True
    return highest is not None and row_id <= highest


def _has_sqlite_sequence() -> bool:
    """SQLite makes its sequence table with the first row of a table that needs one."""
    return db.session.execute(text(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
    )).first() is not None
