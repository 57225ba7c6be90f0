"""Poll an IMAP mailbox: store each new message once, then mark it seen or move it.

The last UID handled (with the mailbox's UIDVALIDITY) is kept in the database.
After a crash, the messages since that UID are fetched again; ingestion's dedupe
turns the ones already stored into harmless duplicates.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from kanban.extensions import db
from kanban.models.base import utcnow
from kanban_email_bcc.ingest import ingest_message
from kanban_email_bcc.models import ImapCheckpoint

_FETCHED_UID = re.compile(rb"UID (\d+)")


@dataclass
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    ssl: bool = True
    mailbox: str = "INBOX"
    move_to: str = ""


@dataclass
class FetchReport:
    """How many messages ended how, and whether polling stopped on a temporary failure."""

    outcomes: Counter = field(default_factory=Counter)
    stopped_on_failure: bool = False
    last_uid: int = 0


def fetch_mailbox(settings: ImapSettings) -> FetchReport:
    """Fetch the messages that arrived since the last run and ingest them in UID order."""
    cls = imaplib.IMAP4_SSL if settings.ssl else imaplib.IMAP4
    imap = cls(settings.host, settings.port)
    try:
        imap.login(settings.user, settings.password)
        return _fetch_new(imap, settings)
    finally:
        with contextlib.suppress(Exception):  # the connection may be gone; nothing is lost
            imap.logout()


def _fetch_new(imap: imaplib.IMAP4, settings: ImapSettings) -> FetchReport:
    status, _ = imap.select(_quoted(settings.mailbox))
    if status != "OK":
        raise imaplib.IMAP4.error(f"Cannot open mailbox {settings.mailbox}")
    uidvalidity = int(imap.response("UIDVALIDITY")[1][0] or 0)
    checkpoint = _checkpoint(settings)
    if checkpoint.uidvalidity != uidvalidity:  # the mailbox was recreated: UIDs start over
        checkpoint.uidvalidity, checkpoint.last_uid = uidvalidity, 0
        db.session.commit()
    report = FetchReport(last_uid=checkpoint.last_uid)
    status, data = imap.uid("SEARCH", None, f"UID {checkpoint.last_uid + 1}:*")
    uids = sorted(int(uid) for uid in (data[0] or b"").split() if int(uid) > checkpoint.last_uid)
    capabilities = _capabilities(imap)
    for uid in uids:
        raw = _fetch_one(imap, uid)
        if raw is None:
            continue
        result = ingest_message(raw, via="imap")
        report.outcomes[result.outcome] += 1
        if result.is_temporary_failure:
            report.stopped_on_failure = True
            break
        _mark_done(imap, uid, settings.move_to, capabilities)
        checkpoint.last_uid = report.last_uid = uid
        checkpoint.updated_at = utcnow()
        db.session.commit()
    if settings.move_to and "MOVE" not in capabilities:
        imap.expunge()
    imap.close()
    return report


def _capabilities(imap: imaplib.IMAP4) -> set[str]:
    """Ask again after login: servers announce MOVE and UIDPLUS only to logged-in clients."""
    status, data = imap.capability()
    if status != "OK" or not data or not data[0]:
        return {c.upper() for c in imap.capabilities}
    return {c.upper() for c in data[0].decode("ascii", "replace").split()}


def _fetch_one(imap: imaplib.IMAP4, uid: int) -> bytes | None:
    status, data = imap.uid("FETCH", str(uid), "(UID BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _mark_done(imap: imaplib.IMAP4, uid: int, move_to: str, capabilities: set[str]) -> None:
    if not move_to:
        imap.uid("STORE", str(uid), "+FLAGS", r"(\Seen)")
    elif "MOVE" in capabilities:
        imap.uid("MOVE", str(uid), _quoted(move_to))
    else:
        imap.uid("COPY", str(uid), _quoted(move_to))
        imap.uid("STORE", str(uid), "+FLAGS", r"(\Deleted \Seen)")


def _checkpoint(settings: ImapSettings) -> ImapCheckpoint:
    account = f"{settings.user}@{settings.host}:{settings.port}"
    checkpoint = db.session.scalar(
        select(ImapCheckpoint).where(ImapCheckpoint.account == account,
                                     ImapCheckpoint.mailbox == settings.mailbox)
    )
    if checkpoint is None:
        checkpoint = ImapCheckpoint(account=account, mailbox=settings.mailbox)
        db.session.add(checkpoint)
        db.session.commit()
    return checkpoint


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'
