"""Writes asked for at the same moment by several threads of a process, made in one go.

The first thread to ask writes for itself and for every thread that asks while it
writes, then hands the next turn to the first thread still waiting. Under a burst (many
web-form submissions at once) the threads share one transaction: one write turn on
SQLite, one lock of the column, one statement per table, one commit. A thread alone
writes at once, as it would by itself. Each thread gets back its own result or its own
error: when a shared write fails, each of its items is written again alone, so that one
bad item never costs the others theirs, unless the error is the database's own (locked,
out of reach): that one is every item's answer at once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from flask import current_app

W = TypeVar("W")
R = TypeVar("R")
MOST = 64  # items written together at the most
# A Session.info key: this session's commit carries rows of its own (a form's one-time
# token), so what it asks to write is written in its own transaction, never another's.
WRITES_ALONE = "kanban_writes_alone"


@dataclass(eq=False)
class _Wish(Generic[W, R]):
    item: W
    ready: threading.Event = field(default_factory=threading.Event)  # written, or your turn
    done: bool = False
    result: R | None = None
    error: BaseException | None = None

    def outcome(self) -> R:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


class Together(Generic[W, R]):
    """Calls ``write(items) -> results`` (one result per item, in order) for the items of
    the threads asking at once, in the thread whose turn it is."""

    def __init__(self, write: Callable[[list[W]], list[R]], *, most: int = MOST,
                 shared: tuple[type[Exception], ...] = ()) -> None:
        self._write = write
        self._most = most
        self._shared = shared  # errors of the write as a whole, never of one item
        self._lock = threading.Lock()
        self._waiting: list[_Wish[W, R]] = []
        self._busy = False  # a thread is writing: the others wait in ``_waiting``

    @property
    def waiting(self) -> int:
        """How many threads wait for their items to be written."""
        with self._lock:
            return len(self._waiting)

    def __call__(self, item: W) -> R:
        wish: _Wish[W, R] = _Wish(item)
        with self._lock:
            self._waiting.append(wish)
            first = not self._busy
            self._busy = True
        if not first:
            wish.ready.wait()
            if wish.done:
                return wish.outcome()
        try:  # this thread's turn: its own item is among the first waiting
            with self._lock:
                group = self._waiting[:self._most]
                del self._waiting[:self._most]
            self._write_group(group)
        finally:
            with self._lock:
                if self._waiting:
                    self._waiting[0].ready.set()
                else:
                    self._busy = False
        return wish.outcome()

    def _write_group(self, group: list[_Wish[W, R]]) -> None:
        try:
            results = self._write([wish.item for wish in group])
            for wish, result in zip(group, results, strict=True):
                wish.result = result
        except Exception as exc:
            if len(group) == 1 or isinstance(exc, self._shared):
                for wish in group:
                    wish.error = exc
            else:
                for wish in group:
                    try:
                        wish.result = self._write([wish.item])[0]
                    except Exception as alone:
                        wish.error = alone
        except BaseException as exc:  # the writing thread is stopped: so are the others
            for wish in group:
                wish.error = exc
            raise
        finally:
            for wish in group:
                wish.done = True
                wish.ready.set()


def together(write: Callable[[list[W]], list[R]],
             shared: tuple[type[Exception], ...] = ()) -> Together[W, R]:
    """The one ``Together`` of ``write`` for the current app in this process: threads of
    another app (tests run several) or of a forked parent never share its writes.
    ``shared``: as for ``Together``."""
    made: dict[Any, Together] = current_app.extensions.setdefault("kanban_together", {})
    key = (write, os.getpid())
    found = made.get(key)
    if found is None:
        found = made.setdefault(key, Together(write, shared=shared))  # one, if two at once
    return found
