"""Emailing notifications: after the action that caused them, retried until they go.

The notifications table is the queue. A row waiting (``pending``) is claimed with one
conditional UPDATE, so two senders (the app after a request, ``kanban notify send`` from
cron) never send it twice; a failed send waits longer each time (1, 5, 15, 60, 240
minutes) and is given up after the last try, with the error kept on the row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import g, has_request_context, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from kanban.hookspecs import hookimpl

if TYPE_CHECKING:
    from email.message import EmailMessage

    from kanban import jobs
    from kanban.models import Notification
    from kanban.notify.mailer import MailNotSent

# The models and the mailer are imported where they are used: the app registers this
# module at start-up, and a command that sends nothing need not load them.

RETRY_MINUTES = (1, 5, 15, 60, 240)
CLAIM_MINUTES = 10  # a claimed row whose sender died is tried again after this
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
ROUND = "notify.send"

log = logging.getLogger(__name__)


@dataclass
class Delivered:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_soon() -> None:
    """Send the waiting emails in a background round (a job), after the action that wrote
    them; right away, in this process, where there is no request (a command, the mail
    server)."""
    from kanban import jobs
    from kanban.extensions import db
    from kanban.notify.links import public_url

    if g.get("kanban_emails_sent_by_caller"):
        return
    if not has_request_context():
        _deliver_quietly()
        return
    try:
        jobs.start_round(ROUND, {"base_url": public_url()})
    except Exception:  # the action is done; cron's `kanban notify send` tries again
        db.session.rollback()
        log.exception("Could not start sending the notification emails")


@contextmanager
def sent_by_caller() -> Iterator[None]:
    """Within it, new notifications' emails wait for the caller, who sends (and counts)
    every waiting email at its end: ``kanban notify run``."""
    g.kanban_emails_sent_by_caller = True
    try:
        yield
    finally:
        g.pop("kanban_emails_sent_by_caller", None)


def _deliver_quietly(base_url: str | None = None) -> None:
    from kanban.extensions import db

    try:
        deliver_pending(base_url=base_url)
    except Exception:  # the action is done; cron's `kanban notify send` tries again
        db.session.rollback()
        log.exception("Could not send the notification emails")


def send_round(context: jobs.JobContext) -> dict:
    """One round of emails; when some wait to be tried again, the next round is set for
    the first of them (so retries need no cron where jobs run on a worker)."""
    from kanban import jobs
    from kanban.extensions import db
    from kanban.models import Notification
    from kanban.notify.store import email_configured

    if not email_configured():
        return {}
    done = deliver_pending(base_url=context.params.get("base_url"))
    next_at = db.session.scalar(
        select(func.min(Notification.email_next_at))
        .where(Notification.email_state.in_((PENDING, SENDING))))
    if next_at is not None:
        jobs.start_round(ROUND, context.params, at=next_at)
    return {"sent": done.sent, "retrying": done.retrying, "failed": done.failed,
            "message": _("Sent: %(sent)d; to retry: %(retrying)d; given up: %(failed)d",
                         sent=done.sent, retrying=done.retrying, failed=done.failed)}


@hookimpl
def kanban_register_jobs() -> list[jobs.JobKind]:
    from kanban import jobs

    return [jobs.JobKind(ROUND, _l("Notification emails"), send_round, listed=False,
                         quick=True, retry_minutes=(1, 5, 15))]


def deliver_pending(limit: int = 200, *, base_url: str | None = None) -> Delivered:
    """Send the emails that are due; return how many went, wait to be retried, gave up."""
    from kanban.extensions import db
    from kanban.models import Notification
    from kanban.models.base import utcnow
    from kanban.notify.mailer import MailNotSent, send
    from kanban.notify.store import email_configured

    done = Delivered()
    if not email_configured():
        return done
    now = utcnow()
    due = list(db.session.scalars(
        select(Notification.id)
        .where(Notification.email_state.in_((PENDING, SENDING)),
               Notification.email_next_at <= now)
        .order_by(Notification.id).limit(limit)
    ))
    for notification_id in due:
        if not _claim(notification_id, now):
            continue
        notification = db.session.get(Notification, notification_id)
        try:
            send(notification_email(notification, base_url=base_url),
                 key=message_key(notification))
        except MailNotSent as exc:
            _failed(notification, exc, done)
        else:
            notification.email_state, notification.email_error = SENT, ""
            notification.email_attempts += 1
            done.sent += 1
        db.session.commit()
    return done


def _claim(notification_id: int, now) -> bool:
    from kanban.extensions import db
    from kanban.models import Notification

    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id,
               Notification.email_state.in_((PENDING, SENDING)),
               Notification.email_next_at <= now)
        .values(email_state=SENDING, email_next_at=now + timedelta(minutes=CLAIM_MINUTES)),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return bool(claimed)


def _failed(notification: Notification, exc: MailNotSent, done: Delivered) -> None:
    from kanban.models.base import utcnow

    notification.email_attempts += 1
    notification.email_error = str(exc)[:255]
    if exc.permanent or notification.email_attempts > len(RETRY_MINUTES):
        notification.email_state = FAILED
        done.failed += 1
        log.warning("Gave up emailing notification #%s: %s", notification.id, exc)
        return
    notification.email_state = PENDING
    wait = RETRY_MINUTES[notification.email_attempts - 1]
    notification.email_next_at = utcnow() + timedelta(minutes=wait)
    done.retrying += 1


def message_key(notification: Notification) -> str:
    """Name a notification's email the same way on every try (its Message-ID)."""
    created = int(notification.created_at.timestamp())
    return f"kanban.notification.{notification.id}.{created}"


def notification_email(notification: Notification, *, base_url: str | None = None
                       ) -> EmailMessage:
    """Write a notification as an email, in its reader's language, with a link to open."""
    from email.message import EmailMessage

    from kanban.i18n import in_language_of
    from kanban.notify.links import at_public_url
    from kanban.notify.store import text_of

    person = notification.user
    with in_language_of(person), at_public_url(base_url):
        text = text_of(notification)
        values = {"notification": notification, "text": text, "person": person}
        message = EmailMessage()
        message["To"] = person.email
        message["Subject"] = text
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(render_template("notify/notification.txt", **values))
        message.add_alternative(render_template("notify/notification.html", **values),
                                subtype="html")
    return message
