"""A key written by the very commit that saves what its request asked for.

The staff's forms are answered with a redirect once saved; their one-time token is kept
(``services.idempotency``'s store) in the same transaction as the lead, the note or the
list it saved, so there is never a save without its token, nor a token without its save.
The services commit for themselves, sometimes more than once (a retry after a lock), so the
key rides along with each commit the request makes until one succeeds. The unique key per
scope makes two sends of one form race safely: the second's commit fails, and its write
with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from kanban.extensions import db
from kanban.models import IdempotencyKey
from kanban.services.idempotency import forget_old_keys
from kanban.services.together import WRITES_ALONE


@dataclass
class KeyWithCommit:
    scope: str
    key: str
    fingerprint: str
    written: bool = False  # a commit of the request carried the key

    def add_to(self, session: Session) -> None:
        if not self.written:
            forget_old_keys()  # a key past its time may be used again
            session.add(IdempotencyKey(scope=self.scope, key=self.key,
                                       fingerprint=self.fingerprint, body="",
                                       content_type="", location=""))

    def mark_written(self, session: Session) -> None:
        self.written = True


@contextmanager
def key_with_commit(scope: str, key: str, fingerprint: str) -> Iterator[KeyWithCommit]:
    """Write the key, its answer still to come, with the next commit of this session.

    ``written`` tells afterwards whether a commit carried it; a commit that failed leaves
    it to the next. The session's writes are not shared with other threads meanwhile."""
    held = KeyWithCommit(scope, key, fingerprint)
    session = db.session()
    event.listen(session, "before_commit", held.add_to)
    event.listen(session, "after_commit", held.mark_written)
    session.info[WRITES_ALONE] = True
    try:
        yield held
    finally:
        session.info.pop(WRITES_ALONE, None)
        event.remove(session, "after_commit", held.mark_written)
        event.remove(session, "before_commit", held.add_to)
