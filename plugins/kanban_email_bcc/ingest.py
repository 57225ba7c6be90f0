"""One way in for every message, whichever path brought it (SMTP, pipe, IMAP, webhook)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, inspect, select, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from kanban.extensions import db
from kanban.i18n import in_language, language_of
from kanban.models import Lead, User
from kanban.models.base import utcnow
from kanban.services.followup import client_wrote
from kanban.services.leads import add_note, create_lead, first_stage
from kanban_email_bcc import matching
from kanban_email_bcc import reasons as why
from kanban_email_bcc.authentication import failed_check, our_server_id
from kanban_email_bcc.bounces import clear_bounce, flag_bounces
from kanban_email_bcc.dropbox import dropbox_domain, find_dropbox, team_domains, token_from_address
from kanban_email_bcc.ingestion_log import quarantine, record, record_too_large
from kanban_email_bcc.models import MailAttachment, MailMessage
from kanban_email_bcc.notifications import tell_unfiled
from kanban_email_bcc.parsing import (
    Address,
    ParsedMail,
    UnreadableMail,
    parse_message,
    peek,
)

log = logging.getLogger(__name__)
DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024
DEFAULT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# A claim older than this belongs to a delivery that crashed; the next one takes over.
STALE_CLAIM = timedelta(minutes=10)

STORED, DUPLICATE, IGNORED, QUARANTINED, REJECTED, FAILED = (
    "stored", "duplicate", "ignored", "quarantined", "rejected", "failed"
)


class StorageFailed(RuntimeError):
    """The message could not be stored now; the sender should try again later."""


@dataclass
class IngestResult:
    """What happened to one message, and why."""

    outcome: str
    reason: str
    lead_id: int | None = None
    stored_id: int | None = None
    created_lead: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def is_temporary_failure(self) -> bool:
        return self.outcome == FAILED


def max_message_bytes() -> int:
    """Return the size above which a message is refused."""
    return int(current_app.config.get("EMAIL_BCC_MAX_MESSAGE_BYTES") or DEFAULT_MAX_MESSAGE_BYTES)


def ingest_message(
    raw: bytes,
    *,
    via: str,
    recipients: Sequence[str] | None = None,
    mail_from: str | None = None,
) -> IngestResult:
    """Put one raw message on the right lead, once, and log what happened.

    ``recipients`` are the envelope recipients when the path knows them (SMTP, an MTA
    pipe); otherwise the dropbox is looked for in the headers. ``mail_from`` is the
    envelope sender ("" for a bounce).
    """
    limit = max_message_bytes()
    if len(raw) > limit:
        return IngestResult(REJECTED, record_too_large(len(raw), limit=limit, via=via,
                                                       recipients=recipients or (),
                                                       sender=mail_from))
    if recipients is not None:
        duplicate = _known_duplicate(raw, recipients, via)
        if duplicate is not None:
            return duplicate
    parsed: ParsedMail | None = None
    parse_error = ""
    try:
        parsed = parse_message(raw)
    except UnreadableMail as exc:
        parse_error = str(exc)
    except Exception as exc:  # a parser bug must not lose the message
        parse_error = why.english(why.NOT_READ, error=f"{type(exc).__name__}: {exc}")
    try:
        return _ingest_parsed(raw, parsed, parse_error, via, recipients, mail_from)
    except Exception as exc:  # the database may be down: the sender must try again
        db.session.rollback()
        log.exception("Ingesting a message failed")
        return _finish(IngestResult(FAILED, why.english(why.STORAGE_FAILED,
                                                    error=type(exc).__name__)), via, parsed)


def _known_duplicate(raw: bytes, recipients: Sequence[str], via: str) -> IngestResult | None:
    """Answer a redelivery of a stored message from its headers alone, without parsing it."""
    try:
        dropbox, _token = find_dropbox(list(recipients))
        if dropbox is None:
            return None
        peeked = peek(raw)
        existing = _existing(dedupe_key(peeked))
        if existing is None or existing.status != STORED:
            return None
        return _finish(_duplicate(existing), via, peeked, dropbox.user_id)
    except Exception:  # the full path below decides, and reports any failure
        db.session.rollback()
        return None


def _ingest_parsed(raw: bytes, parsed: ParsedMail | None, parse_error: str, via: str,
                   recipients: Sequence[str] | None, mail_from: str | None) -> IngestResult:
    addresses = list(recipients) if recipients is not None else (
        parsed.header_recipients if parsed else []
    )
    dropbox, token = find_dropbox(addresses)
    if dropbox is None and (recipients is not None or parsed is not None):
        reason = why.english(why.UNKNOWN_DROPBOX, token=token) if token else why.NO_DROPBOX
        return _finish(IngestResult(REJECTED, reason), via, parsed)
    user_id = dropbox.user_id if dropbox else None
    if parsed is None:
        return _quarantine(raw, parse_error, via, user_id)
    failures = parsed.delivery_failures or (
        parsed.forwarded.delivery_failures if parsed.forwarded else [])
    if failures:  # a delivery failure report, sent or forwarded to the dropbox
        lead_ids = flag_bounces(failures)
        addresses = ", ".join(address for address, _reason in failures)
        return _finish(IngestResult(IGNORED, why.english(why.BOUNCE_REPORT, addresses=addresses,
                                                     count=len(lead_ids)),
                                    details={"bounced": [a for a, _r in failures],
                                             "lead_ids": lead_ids}), via, parsed, user_id)
    auto_reason = parsed.auto_reason or _envelope_reason(mail_from, parsed)
    if auto_reason:
        return _finish(IngestResult(IGNORED, why.english(why.IGNORED_AS, what=auto_reason)), via,
                       parsed, user_id)
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return _finish(IngestResult(REJECTED, why.OWNER_INACTIVE), via, parsed)
    try:
        result = store_message(user, parsed, raw, via)
    except StorageFailed as exc:
        db.session.rollback()
        return _finish(IngestResult(FAILED, str(exc)), via, parsed, user_id)
    except Exception as exc:
        db.session.rollback()
        log.exception("Storing a message failed")
        return _finish(IngestResult(FAILED, why.english(why.STORAGE_FAILED,
                                                    error=type(exc).__name__)), via,
                       parsed, user_id)
    if result.outcome == QUARANTINED:
        return _quarantine(raw, result.reason, via, user_id, parsed)
    return _finish(result, via, parsed, user_id)


def store_message(user: User, parsed: ParsedMail, raw: bytes, via: str) -> IngestResult:
    """Store a parsed message on its lead exactly once; raise StorageFailed to retry later."""
    team = matching.team_addresses()
    shown, direction, candidates = _perspective(parsed, team)
    thread_ids = shown.thread_ids + parsed.thread_ids
    if not candidates and not thread_ids:
        return IngestResult(QUARANTINED, _nobody_to_match(shown, direction, team))
    unverified = _unverified_sender(parsed, team)
    key = dedupe_key(parsed)
    existing = _existing(key)
    if existing is not None:
        return _duplicate(existing)
    claimed = _claim(key, parsed, user.id, shown, direction)
    if isinstance(claimed, IngestResult):
        return claimed
    claim_id = claimed
    try:
        lead, matched_on = _match(thread_ids, candidates)
        created = False
        if lead is None and not candidates:
            _release(claim_id)
            return IngestResult(QUARANTINED, _nobody_to_match(shown, direction, team))
        if lead is None and unverified:  # a forged sender must not make a lead
            _release(claim_id)
            return IngestResult(QUARANTINED, why.english(why.UNVERIFIED_NO_LEAD,
                                                     sender=unverified))
        if lead is None:
            lead = _create_lead(user, shown, candidates[0])
            created, matched_on = True, candidates[0][1]
        lead_id = lead.id
        activity = _add_email(lead, lead_id, claim_id, shown, parsed, direction, user,
                              unverified)
    except Exception:
        db.session.rollback()
        _release(claim_id)
        raise
    if direction == "inbound" and not unverified and matching.is_contact(lead, shown.sender[1]):
        # the client waits for an answer now, as after a web form
        client_wrote(lead, shown.text or shown.subject)
    # Written with the log entry's commit: the email itself is already safely stored.
    # The identity key gives the new entry's id without reloading it.
    db.session.execute(
        update(MailMessage).where(MailMessage.id == claim_id)
        .values(activity_id=inspect(activity).identity[0]),
        execution_options={"synchronize_session": False},
    )
    if matched_on == THREAD:
        reason = why.english(why.IN_THREAD, lead=lead_id)
    else:
        reason = why.english(why.CREATED if created else why.ATTACHED, lead=lead_id,
                             address=matched_on)
    details: dict = {"matched_on": matched_on}
    if unverified:
        reason += why.JOINED + why.english(why.UNVERIFIED, sender=unverified)
        details["unverified"] = unverified
    return IngestResult(STORED, reason, lead_id=lead_id, stored_id=claim_id,
                        created_lead=created, details=details)


def _unverified_sender(parsed: ParsedMail, team: set[str]) -> str:
    """What failed, when the message claims to come from a teammate or a known contact but
    our own mail server could not verify it; else ""."""
    failed = failed_check(parsed.authentication, our_server_id())
    sender = parsed.sender[1]
    if not failed or not sender:
        return ""
    if matching.is_team(sender, team, team_domains()) or matching.lead_for_address(sender):
        return failed
    return ""


THREAD = "thread"  # a message matched by the thread it answers, not by an address


def _match(thread_ids: list[str], candidates: list[Address]) -> tuple[Lead | None, str]:
    """Return the lead of the message's thread, else of the first prospect with a lead."""
    lead = matching.lead_in_thread(thread_ids)
    if lead is not None:
        return lead, THREAD
    for _name, address in candidates:
        lead = matching.lead_for_address(address)
        if lead is not None:
            return lead, address
    return None, ""


def dedupe_key(parsed: ParsedMail) -> str:
    """Return what makes two deliveries the same message: its Message-ID, else its content."""
    if parsed.message_id:
        key = f"mid:{parsed.message_id}"
        return key if len(key) <= 255 else "midhash:" + hashlib.sha256(key.encode()).hexdigest()
    return f"sha256:{parsed.content_hash}"


def _perspective(parsed: ParsedMail, team: set[str]) -> tuple[ParsedMail, str, list[Address]]:
    """Return the message to show, its direction, and the prospect addresses to try."""
    sender_is_team = bool(parsed.sender[1]) and matching.is_team(
        parsed.sender[1], team, team_domains()
    )
    forwarded = parsed.forwarded
    if forwarded is not None and forwarded.sender[1] and (sender_is_team or not parsed.sender[1]):
        if matching.is_team(forwarded.sender[1], team, team_domains()):
            return forwarded, "outbound", matching.prospects(forwarded.to + forwarded.cc, team)
        return forwarded, "inbound", matching.prospects([forwarded.sender], team)
    if sender_is_team:
        return parsed, "outbound", matching.prospects(parsed.to + parsed.cc, team)
    return parsed, "inbound", matching.prospects([parsed.sender], team)


def _nobody_to_match(shown: ParsedMail, direction: str, team: set[str]) -> str:
    """Why a message has no outside address to put it on a lead by."""
    if not shown.sender[1]:
        return why.NO_SENDER
    looked_at = [shown.sender] if direction == "inbound" else shown.to + shown.cc
    invalid = matching.unwritable(looked_at, team)
    if invalid:
        return why.english(why.NO_VALID_ADDRESS, addresses=", ".join(invalid[:3]))
    return why.NO_OUTSIDE_ADDRESS


def _existing(key: str) -> MailMessage | None:
    return db.session.scalar(select(MailMessage).where(MailMessage.dedupe_key == key))


def _duplicate(existing: MailMessage) -> IngestResult:
    if existing.status != STORED:
        if existing.received_at < utcnow() - STALE_CLAIM:
            _release(existing.id)
            raise StorageFailed(why.STALE_DELIVERY)
        raise StorageFailed(why.BUSY_DELIVERY)
    label = existing.message_id or f"#{existing.id}"
    return IngestResult(DUPLICATE, why.english(why.DUPLICATE, message=label, lead=existing.lead_id),
                        lead_id=existing.lead_id, stored_id=existing.id)


def _claim(key: str, parsed: ParsedMail, user_id: int, shown: ParsedMail,
           direction: str) -> int | IngestResult:
    """Reserve the message's key; the unique constraint lets one delivery win."""
    claim = MailMessage(
        dedupe_key=key, message_id=parsed.message_id, status="pending", user_id=user_id,
        direction=direction, subject=shown.subject[:255], from_address=shown.sender[1][:254],
        sent_at=shown.date or parsed.date,
    )
    db.session.add(claim)
    try:
        db.session.flush()
        claim_id = claim.id
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        existing = _existing(key)
        if existing is None:
            raise StorageFailed(why.FAILED_DELIVERY) from exc
        return _duplicate(existing)
    db.session.expunge(claim)
    return claim_id


def _release(claim_id: int) -> None:
    try:
        db.session.execute(delete(MailMessage).where(MailMessage.id == claim_id))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Could not release the claim of message #%s", claim_id)


def _create_lead(user: User, shown: ParsedMail, prospect: Address) -> Lead:
    name, address = prospect
    title = _strip_prefixes(shown.subject) or _untitled(user, name or address)
    return create_lead(
        {"title": title[:200], "contact_name": name[:200], "email": address,
         "owner_id": user.id, "source": "email"},
        user=user, source="email", stage=first_stage(),
        payload={"email_subject": shown.subject[:255]},
    )


def _untitled(owner: User, who: str) -> str:
    """Title a lead whose first email has no subject, in the words the whole team reads:
    the team's language, else its owner's."""
    with in_language(current_app.config.get("LANGUAGE") or language_of(owner)):
        return _("Email with %(who)s", who=who)


def _add_email(lead: Lead, lead_id: int, claim_id: int, shown: ParsedMail, parsed: ParsedMail,
               direction: str, user: User, unverified: str = ""):
    limit = int(current_app.config.get("EMAIL_BCC_ATTACHMENT_MAX_BYTES")
                or DEFAULT_ATTACHMENT_MAX_BYTES)
    attachments = parsed.attachments
    for item in attachments:
        db.session.add(MailAttachment(
            message_id=claim_id, filename=item.filename or "attachment",
            content_type=item.content_type[:255], size=len(item.content),
            content=item.content if len(item.content) <= limit else None,
        ))
    db.session.execute(
        update(MailMessage).where(MailMessage.id == claim_id)
        .values(status=STORED, lead_id=lead_id),
        execution_options={"synchronize_session": False},
    )
    body = shown.text or parsed.text
    when = shown.date or parsed.date
    payload = {
        "direction": direction,
        "from": _format(shown.sender),
        # The team's dropbox, put in To or Cc instead of Bcc, is not one of the people written to.
        "to": [_format(a) for a in shown.to if token_from_address(a[1]) is None],
        "cc": [_format(a) for a in shown.cc if token_from_address(a[1]) is None],
        "subject": shown.subject,
        "date": when.isoformat() if when else None,
        "message_id": parsed.message_id,
        "attachments": [
            {"name": a.filename, "type": a.content_type, "size": len(a.content)}
            for a in attachments
        ],
    }
    if shown is not parsed and shown.text and parsed.forward_note:
        payload["note"] = parsed.forward_note  # the forwarder's own words above it
    if unverified:  # shown so, and not a touch from the contact
        payload["unverified"] = unverified
    elif direction == "inbound":
        clear_bounce(shown.sender[1])  # they wrote to us: their address works
    created_at = min(when, utcnow()) if when else None
    # The claim's new status is committed together with the timeline entry.
    return add_note(lead, body or "", user=user, kind="email", payload=payload,
                    created_at=created_at, touch=not unverified)


def _format(address: Address) -> str:
    name, email = address
    return f"{name} <{email}>" if name else email


# "Re:" and "Fwd:" as mail programs write them in the team's languages (Italian R:, I:,
# RIF:; Portuguese RES:, ENC:; Spanish RV:; Russian Отв:, Пересл:) and a few others.
REPLY_PREFIXES = frozenset({"re", "fw", "fwd", "aw", "wg", "tr", "sv", "vs", "r", "i", "rif",
                            "res", "enc", "rv", "отв", "пересл", "ответ"})


def _strip_prefixes(subject: str) -> str:
    text = subject.strip()
    while True:
        head, sep, rest = text.partition(":")
        if sep and head.strip().lower() in REPLY_PREFIXES:
            text = rest.strip()
        else:
            return text


def _envelope_reason(mail_from: str | None, parsed: ParsedMail) -> str:
    if mail_from is not None and mail_from.strip() in ("", "<>"):
        return why.EMPTY_ENVELOPE_SENDER
    domain = dropbox_domain()
    if any(domain in marker.lower() for marker in parsed.loop_markers):
        return why.MAIL_LOOP
    return ""


def _quarantine(raw: bytes, reason: str, via: str, user_id: int | None,
                parsed: ParsedMail | None = None) -> IngestResult:
    try:
        item, new = quarantine(raw, reason, via=via, user_id=user_id)
    except Exception as exc:
        db.session.rollback()
        log.exception("Could not quarantine a message")
        # The database out of reach: the sender tries again later. Anything else would
        # fail the same way every time.
        out_of_reach = isinstance(exc, OperationalError | InterfaceError)
        result = IngestResult(FAILED, why.english(why.NOT_QUARANTINED, error=type(exc).__name__,
                                              reason=reason),
                              details={} if out_of_reach else {"quarantine_failed": True})
        return _finish(result, via, parsed, user_id)
    result = IngestResult(QUARANTINED, reason, details={"quarantine_id": item.id})
    finished = _finish(result, via, parsed, user_id)
    if new:  # the same message again was told about the first time
        tell_unfiled(reason, user_id, item.id, parsed.subject if parsed else "")
    return finished


def _finish(result: IngestResult, via: str, parsed: ParsedMail | None = None,
            user_id: int | None = None) -> IngestResult:
    record(
        result.outcome, result.reason, via=via, user_id=user_id,
        message_id=parsed.message_id if parsed else "",
        subject=parsed.subject if parsed else "",
        lead_id=result.lead_id, details=result.details,
    )
    return result
