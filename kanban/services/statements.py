"""Statements built once per app and reused: a page that many people open many times a
day (the board, the agenda) asks the same few statements again and again. SQLAlchemy
works out a statement's cache key once per statement object, so a statement kept here is
neither built nor keyed again; only its values change, and those are part of the key.

What goes in the key must be everything the statement is built from; a statement built
from rows of the database (a stage's stale limit, say) must not be kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import TypeVar

from flask import current_app

KEPT = 64  # statements kept per kind, the least recently used dropped first
T = TypeVar("T")

_lock = Lock()


def built_once(kind: str, key: Hashable, build: Callable[[], T]) -> T:
    """Return what ``build`` returns for ``key``, built the first time only (per app)."""
    kept = current_app.extensions.setdefault("kanban.statements", {})
    with _lock:
        statements = kept.setdefault(kind, OrderedDict())
        if key in statements:
            statements.move_to_end(key)
            return statements[key]
    statement = build()
    with _lock:
        statements[key] = statement
        if len(statements) > KEPT:
            statements.popitem(last=False)
    return statement
