"""A call made after commits by a thread of its own, once for however many commits.

Work that follows a commit but need not hold it up (waking open boards, copying SQLite's
log back into the database) is asked for with ``poke``: the thread makes the call soon
after, and every poke that comes while a call runs is answered by one more call, made
after it. The thread ends when nothing is asked for ``IDLE_SECONDS``; the next poke starts
another, in a forked server process too.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable, MutableMapping
from typing import Any
from weakref import WeakKeyDictionary, WeakSet

log = logging.getLogger(__name__)


class BackgroundCall:
    IDLE_SECONDS = 10.0

    def __init__(self, call: Callable[[], None], *, what: str, pause: float = 0.0) -> None:
        self._call = call
        self._what = what  # for the log, when a call fails: "Open boards were not woken"
        self._pause = pause  # seconds between two calls: the pokes meanwhile wait for it
        self._due = threading.Event()
        self._lock = threading.Lock()
        self._calling = threading.Lock()  # held while a call is under way
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        _every.add(self)  # a process about to end makes the calls still due

    def poke(self) -> None:
        self._due.set()
        if self._pid != os.getpid():  # a forked server process: its parent's thread is not
            self._lock, self._thread = threading.Lock(), None  # here, nor its locks' holder
            self._calling = threading.Lock()
            self._pid = os.getpid()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name=f"kanban: {self._what}")
                self._thread.start()

    def flush(self) -> None:
        """Let a call under way end, then make the call now if one is due (a process about
        to end)."""
        with self._calling:
            pass
        if self._due.is_set():
            self._due.clear()
            self._call_once()

    def _run(self) -> None:
        while True:
            if not self._due.wait(self.IDLE_SECONDS):
                with self._lock:
                    if not self._due.is_set():
                        self._thread = None
                        return
                continue
            self._due.clear()  # pokes from here on are answered by the next call
            self._call_once()
            if self._pause:
                time.sleep(self._pause)

    def _call_once(self) -> None:
        try:
            with self._calling:
                self._call()
        except Exception:
            log.warning("%s", self._what, exc_info=True)


class CallsBy:
    """One ``BackgroundCall`` per key (an engine, held weakly, or a plain value), made by
    ``make(key)`` the first time it is asked for."""

    def __init__(self, make: Callable[[Any], Callable[[], None]], *, what: str,
                 pause: float = 0.0, weak: bool = False) -> None:
        self._make, self._what, self._pause = make, what, pause
        self._calls: MutableMapping[Any, BackgroundCall] = (
            WeakKeyDictionary() if weak else {})

    def of(self, key: Any) -> BackgroundCall:
        call = self._calls.get(key)  # asked after every commit: the lock only to make one
        if call is not None:
            return call
        with _guard:
            call = self._calls.get(key)
            if call is None:
                call = self._calls[key] = BackgroundCall(self._make(key), what=self._what,
                                                         pause=self._pause)
            return call


_every: WeakSet[BackgroundCall] = WeakSet()
_guard = threading.Lock()


@atexit.register
def flush_every_call() -> None:
    """Make every call still due, after those under way (a process about to end; a test
    that needs the wake-ups of what it did sent before it goes on)."""
    for call in list(_every):
        call.flush()


def _new_guard_after_fork() -> None:
    global _guard
    _guard = threading.Lock()  # its holder, if any, stayed in the parent


os.register_at_fork(after_in_child=_new_guard_after_fork)
