"""``kanban notify``: what cron (or a systemd timer) runs to tell people."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from kanban import jobs
from kanban.notify.delivery import deliver_pending, sent_by_caller
from kanban.notify.digest import send_digests
from kanban.notify.mailer import read_smtp_url
from kanban.notify.overdue import tell_overdue
from kanban.notify.store import forget_old
from kanban.services import outbox


@click.group("notify")
def notify_group() -> None:
    """Tell people: overdue follow-ups, emails waiting, the morning digest."""


def _require_mail() -> None:
    url = current_app.config.get("SMTP_URL")
    if not url:
        click.echo(_("KANBAN_SMTP_URL is not set: no email can be sent (the bell in the app "
                     "still works)."))
        return
    try:
        read_smtp_url(url)
    except ValueError as exc:
        click.echo(f"KANBAN_SMTP_URL: {exc}", err=True)
        sys.exit(2)


@notify_group.command("run")
@with_appcontext
def run() -> None:
    """Tell owners about follow-ups gone overdue, send the emails waiting and forget old read
    notifications and lead events (every few minutes from cron)."""
    _require_mail()
    with sent_by_caller():
        told = tell_overdue()
    done = deliver_pending()
    forgotten = forget_old(current_app.config["NOTIFICATIONS_KEEP_DAYS"])
    events = outbox.forget_old(current_app.config["OUTBOX_KEEP_DAYS"])
    late_jobs = jobs.run_overdue()
    old_jobs = jobs.forget_old(current_app.config["JOBS_KEEP_DAYS"]) + jobs.fail_abandoned()
    click.echo(_("%(told)d overdue follow-up(s) told; %(sent)d email(s) sent, %(retrying)d to "
                 "retry, %(failed)d given up; %(notifications)d old notification(s), "
                 "%(events)d old lead event(s) and %(jobs)d old or abandoned job(s) "
                 "forgotten; %(late)d late job(s) run.", told=told, sent=done.sent,
                 retrying=done.retrying, failed=done.failed, notifications=forgotten,
                 events=events, jobs=old_jobs, late=late_jobs))


@notify_group.command("send")
@with_appcontext
def send() -> None:
    """Send the notification emails waiting (and retry the ones that failed)."""
    _require_mail()
    done = deliver_pending()
    click.echo(_("%(sent)d email(s) sent, %(retrying)d to retry, %(failed)d given up.",
                 sent=done.sent, retrying=done.retrying, failed=done.failed))


@notify_group.command("digest")
@with_appcontext
def digest() -> None:
    """Email each person their day (once a day: a second run sends nothing)."""
    _require_mail()
    result = send_digests()
    click.echo(_("%(sent)d digest(s) sent, %(already)d already sent today, %(empty)d with "
                 "nothing to say, %(failed)d failed.", sent=result.sent,
                 already=result.already, empty=result.empty, failed=result.failed))
    if result.failed:
        sys.exit(1)
