"""Why a message went where it did: written in English for the log and the sending server
(``kanban mail ingest`` answers its MTA in English), and put into the reader's words on the
pages and by the commands a person runs (``kanban mail reprocess``).

Each reason is one message with its values. ``english`` writes it as it is stored; ``words``
reads a stored reason back (rows of any age) and says it in the reader's language, and
says a reason it does not know as it was stored.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask_babel import gettext as _

from kanban.config import N_

TOO_LARGE = N_("too large (%(size)s bytes)")
TOO_LARGE_FOR = N_("too large (%(size)s bytes), from %(sender)s to the dropbox of %(owner)s")
TOO_LARGE_ANNOUNCED = N_("too large (%(size)s bytes announced), from %(sender)s")
UNKNOWN_DROPBOX = N_("unknown dropbox (%(token)s)")
NO_DROPBOX = N_("no dropbox address among recipients")
BOUNCE_REPORT = N_("delivery failure report: %(addresses)s flagged as bouncing "
                   "(%(count)s lead(s))")
IGNORED_AS = N_("ignored as %(what)s")
OWNER_INACTIVE = N_("the dropbox's owner is not active")
STORAGE_FAILED = N_("storage failed (%(error)s)")
NO_OUTSIDE_ADDRESS = N_("no outside address to match: every sender and recipient is a team "
                        "address")
NO_VALID_ADDRESS = N_("no outside address to match: %(addresses)s is not a valid address")
NO_SENDER = N_("no sender address could be read, and no lead to put it on")
UNVERIFIED_NO_LEAD = N_("unverified sender (%(sender)s) and no lead to put it on")
CREATED = N_("new lead #%(lead)s created for %(address)s")
ATTACHED = N_("attached to lead #%(lead)s (matched on %(address)s)")
IN_THREAD = N_("attached to lead #%(lead)s (a reply in its thread)")
UNVERIFIED = N_("unverified sender (%(sender)s)")
DUPLICATE = N_("duplicate of message %(message)s (on lead #%(lead)s)")
NOT_QUARANTINED = N_("could not be quarantined (%(error)s): %(reason)s")
EMPTY = N_("The message is empty.")
NOT_PARSED = N_("The message could not be parsed: %(error)s")
NO_HEADERS = N_("The message has no headers.")
NOT_READ = N_("The message could not be read (%(error)s)")
STALE_DELIVERY = N_("a stale delivery of this message was cleared; try again")
BUSY_DELIVERY = N_("this message is being stored by another delivery; try again")
FAILED_DELIVERY = N_("a concurrent delivery of this message failed; try again")
# What made a message automatic (``IGNORED_AS``): the header that says so, as sent.
AUTO_SUBMITTED = N_("auto-submitted (%(value)s)")
EMPTY_RETURN_PATH = N_("bounce (empty Return-Path)")
BULK = N_("bulk mail (Precedence: %(value)s)")
AUTO_REPLY = N_("auto-reply (X-Autoreply)")
DELIVERY_REPORT = N_("delivery report (multipart/report)")
BOUNCE_FROM = N_("bounce (from %(sender)s)")
EMPTY_ENVELOPE_SENDER = N_("bounce (empty envelope sender)")
MAIL_LOOP = N_("mail loop (X-Loop)")
JOINED = "; "  # a stored reason and what it adds (an unverified sender)
OLD_PREFIX = "quarantined: "  # stored before each quarantined message's reason until 2026-12

REASONS = [TOO_LARGE, TOO_LARGE_FOR, TOO_LARGE_ANNOUNCED, UNKNOWN_DROPBOX, NO_DROPBOX,
           BOUNCE_REPORT, IGNORED_AS, OWNER_INACTIVE,
           STORAGE_FAILED, NO_OUTSIDE_ADDRESS, NO_VALID_ADDRESS, NO_SENDER, UNVERIFIED_NO_LEAD,
           CREATED, ATTACHED, IN_THREAD, UNVERIFIED, DUPLICATE, NOT_QUARANTINED, EMPTY,
           NOT_PARSED, NO_HEADERS,
           NOT_READ, STALE_DELIVERY, BUSY_DELIVERY, FAILED_DELIVERY, AUTO_SUBMITTED,
           EMPTY_RETURN_PATH, BULK, AUTO_REPLY, DELIVERY_REPORT, BOUNCE_FROM,
           EMPTY_ENVELOPE_SENDER, MAIL_LOOP]
# What happened to a message, as the log keeps it.
OUTCOMES = {"stored": N_("stored"), "duplicate": N_("duplicate"), "ignored": N_("ignored"),
            "quarantined": N_("quarantined"), "rejected": N_("rejected"), "failed": N_("failed")}
# How a message came, as the log keeps it.
VIAS = {"pipe": N_("command line"), "smtp": "SMTP", "lmtp": "LMTP", "imap": "IMAP",
        "webhook": N_("webhook"), "reprocess": N_("tried again")}
_VALUE = re.compile(r"%\((\w+)\)s")


def english(message: str, /, **values: Any) -> str:
    """The reason as it is stored: in English, with its values."""
    return message % values if values else message


def outcome_words(outcome: str) -> str:
    """Say what happened to a message in the reader's language."""
    return _(OUTCOMES[outcome]) if outcome in OUTCOMES else outcome


def via_words(via: str) -> str:
    """Say how a message came in the reader's language."""
    return _(VIAS[via]) if via in VIAS else via


def words(stored: str) -> str:
    """Say a stored reason in the reader's language (one it does not know, as stored)."""
    stored = stored.removeprefix(OLD_PREFIX)
    first, joined, rest = stored.partition(JOINED)
    if joined and (said := _said(first)) is not None and (added := _said(rest)) is not None:
        return said + JOINED + added
    said = _said(stored)
    return stored if said is None else said


def log_words(outcome: str, stored: str) -> str:
    """Say a log line's reason beside its outcome: an ignored message's reason without
    "ignored as" again ("ignored: bulk mail (Precedence: junk)")."""
    if outcome == "ignored":
        prefix = IGNORED_AS.split("%(", 1)[0]
        if stored.startswith(prefix) and stored != prefix:
            return words(stored.removeprefix(prefix))
    return words(stored)


def _said(stored: str) -> str | None:
    for message_id, pattern in _patterns():
        found = pattern.fullmatch(stored)
        if found is not None:
            values = {name: words(value) if name in ("what", "reason") else value
                      for name, value in found.groupdict().items()}
            return _(message_id, **values)
    return None


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each reason's stored form as a pattern whose groups are its values."""
    patterns = []
    for message_id in REASONS:
        parts = _VALUE.split(message_id)  # text, name, text, name, ..., text
        pattern = "".join(re.escape(part.replace("%%", "%")) if index % 2 == 0
                          else f"(?P<{part}>.*)" for index, part in enumerate(parts))
        patterns.append((message_id, re.compile(pattern, re.DOTALL)))
    return patterns
