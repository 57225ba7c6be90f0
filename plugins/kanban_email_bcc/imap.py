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
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kanban import jobs
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


def settings_from_config(**given: Any) -> ImapSettings:
    """The mailbox to poll: what is ``given`` (a command's options), else the settings
    (``EMAIL_BCC_IMAP_*``)."""
    config = current_app.config
    use_ssl = given.get("ssl")
    if use_ssl is None:
        use_ssl = bool(config.get("EMAIL_BCC_IMAP_SSL", True))
    move_to = given.get("move_to")
    return ImapSettings(
        host=given.get("host") or config.get("EMAIL_BCC_IMAP_HOST") or "",
        port=given.get("port") or int(config.get("EMAIL_BCC_IMAP_PORT")
                                      or (993 if use_ssl else 143)),
        user=given.get("user") or config.get("EMAIL_BCC_IMAP_USER") or "",
        password=given.get("password") or config.get("EMAIL_BCC_IMAP_PASSWORD") or "",
        ssl=use_ssl,
        mailbox=given.get("mailbox") or config.get("EMAIL_BCC_IMAP_MAILBOX") or "INBOX",
        move_to=move_to if move_to is not None else config.get("EMAIL_BCC_IMAP_MOVE_TO") or "",
    )


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


POLL = "mail.poll"


class MailboxUnavailable(RuntimeError):
    """The poll stopped on a temporary failure: its job is tried again later."""


def poll_round(context: jobs.JobContext) -> dict[str, Any]:
    """One poll of the configured mailbox as a background job: a server that cannot be
    reached, or a storage failure halfway, fails the round, which is tried again after
    1, 5 and 15 minutes (what was stored stays stored)."""
    settings = settings_from_config()
    if not settings.host or not settings.user:
        return {"message": _("No mailbox is set up to poll (EMAIL_BCC_IMAP_HOST).")}
    report = fetch_mailbox(settings)
    if report.stopped_on_failure:
        raise MailboxUnavailable("stopped on a storage failure")
    stored = sum(report.outcomes.values())
    return {"last_uid": report.last_uid, "outcomes": dict(report.outcomes),
            "message": _("New messages read: %(count)d", count=stored)}


def job_kinds() -> list[jobs.JobKind]:
    return [jobs.JobKind(POLL, _l("Mailbox poll"), poll_round, listed=False,
                         retry_minutes=(1, 5, 15))]
