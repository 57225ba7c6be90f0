"""The morning digest: each person's day as the method orders it, in one email.

Proposals in progress first, then the follow-ups due (overdue first), then the new
leads waiting for an owner: the agenda, by email, in the person's language. One per
person per day: the day is claimed before the email is written, and given back if the
email could not be sent, so a second run sends nothing and a failed one is tried again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from kanban.extensions import db
from kanban.i18n import in_language_of
from kanban.models import DigestSent, User
from kanban.models.base import today as today_
from kanban.notify.links import at_public_url
from kanban.notify.mailer import MailNotSent, send
from kanban.notify.store import email_configured, wants_digest
from kanban.services.agenda import Agenda, AgendaFilter, load_agenda

DIGEST_LIMIT = 20  # lines per section in the email; the rest are counted

log = logging.getLogger(__name__)


@dataclass
class DigestRun:
    sent: int = 0
    already: int = 0  # sent earlier today
    empty: int = 0  # nothing to say
    failed: int = 0


def send_digests(day: date | None = None) -> DigestRun:
    """Send today's digest to everyone who wants it and has not had it."""
    run = DigestRun()
    if not email_configured():
        return run
    day = day or today_()
    people = db.session.scalars(
        select(User).where(User.active.is_(True)).order_by(User.id)).all()
    for person in people:
        if wants_digest(person):
            _send_one(person, day, run)
    return run


def _send_one(person: User, day: date, run: DigestRun) -> None:
    agenda = load_agenda(AgendaFilter(owner_id=person.id,
                                      prospects_first=bool(person.prospects_first)),
                         day, limit=DIGEST_LIMIT)
    if not (agenda.proposals.total or agenda.follow_ups.total or agenda.unassigned.total):
        run.empty += 1
        return
    if not _claim(person.id, day):
        run.already += 1
        return
    try:
        send(digest_email(person, agenda), key=f"kanban.digest.{person.id}.{day.isoformat()}")
    except MailNotSent as exc:
        log.warning("The digest for %s was not sent: %s", person.email, exc)
        db.session.execute(delete(DigestSent).where(DigestSent.user_id == person.id,
                                                    DigestSent.day == day))
        db.session.commit()
        run.failed += 1
        return
    run.sent += 1


def _claim(user_id: int, day: date) -> bool:
    db.session.add(DigestSent(user_id=user_id, day=day))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def digest_email(person: User, agenda: Agenda) -> EmailMessage:
    """Write one person's digest, in their language, with links to each lead."""
    with in_language_of(person), at_public_url():
        overdue = [entry for entry in agenda.follow_ups.entries if entry.is_overdue]
        due = [entry for entry in agenda.follow_ups.entries if not entry.is_overdue]
        values = {"person": person, "agenda": agenda, "overdue": overdue, "due": due}
        message = EmailMessage()
        message["To"] = person.email
        message["Subject"] = _("Your day: proposals %(proposals)d, follow-ups %(due)d, "
                               "new leads waiting %(waiting)d",
                               proposals=agenda.proposals.total, due=agenda.follow_ups.total,
                               waiting=agenda.unassigned.total)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(render_template("notify/digest.txt", **values))
        message.add_alternative(render_template("notify/digest.html", **values),
                                subtype="html")
    return message
