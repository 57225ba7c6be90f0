"""``kanban mail``: serve SMTP or LMTP, take a message from an MTA's pipe, poll IMAP."""

from __future__ import annotations

import errno
import signal
import sys
import threading
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

if TYPE_CHECKING:
    from kanban_email_bcc.ingest import IngestResult

# sysexits.h codes that mail transfer agents understand.
EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 0, 65, 67, 75

mail = AppGroup("mail", help="Receive mail into the dropboxes.")


def exit_code(result: IngestResult) -> int:
    """Return the sysexits code an MTA understands for an ingestion result."""
    from kanban_email_bcc.ingest import FAILED, REJECTED

    if result.outcome == FAILED:
        return EX_DATAERR if result.details.get("quarantine_failed") else EX_TEMPFAIL
    if result.outcome == REJECTED:
        return EX_DATAERR if result.reason.startswith("too large") else EX_NOUSER
    return EX_OK


@mail.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=2525, show_default=True, help="Port to listen on (0: any free).")
@click.option("--lmtp", is_flag=True,
              help="Speak LMTP, for an MTA that hands mail over (Postfix's lmtp transport).")
@click.option("--unix-socket", type=click.Path(dir_okay=False),
              help="Listen on this Unix socket instead of host and port.")
def serve(host: str, port: int, lmtp: bool, unix_socket: str | None) -> None:
    """Run the SMTP (or LMTP) server that receives mail for the dropboxes."""
    from kanban_email_bcc.smtp import SmtpServer

    server = SmtpServer(current_app._get_current_object(), host, port, lmtp=lmtp,
                        unix_socket=unix_socket)
    try:
        server.start()
    except OSError as exc:
        raise click.ClickException(cannot_listen(server.where, exc)) from None
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    protocol = "LMTP" if lmtp else "SMTP"
    click.echo(_("Receiving mail (%(protocol)s) on %(where)s (Ctrl+C to stop)",
                 protocol=protocol, where=server.where))
    try:
        stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    click.echo(_("Stopped receiving mail."))


def cannot_listen(where: str, exc: OSError) -> str:
    """Say in one sentence why the server cannot listen at ``where``."""
    if exc.errno == errno.EADDRINUSE:
        return _("Cannot receive mail on %(where)s: another program already listens there "
                 "(another kanban mail serve?). Stop it, or choose another --port.", where=where)
    if exc.errno == errno.EACCES:
        return _("Cannot receive mail on %(where)s: this user may not listen there (ports "
                 "below 1024 need CAP_NET_BIND_SERVICE). Choose a --port above 1023, or give "
                 "the service that capability.", where=where)
    if exc.errno == errno.EADDRNOTAVAIL:
        return _("Cannot receive mail on %(where)s: this machine has no such address. Choose "
                 "one of its own with --host (127.0.0.1, or 0.0.0.0 for all).", where=where)
    return _("Cannot receive mail on %(where)s: %(error)s.", where=where,
             error=exc.strerror or exc)


@mail.command("ingest")
@click.option("--recipient", "recipients", multiple=True,
              help="Envelope recipient (the MTA's ${recipient}); else read from the headers.")
@click.option("--sender", default=None, help="Envelope sender (the MTA's ${sender}).")
@click.pass_context
def ingest(ctx: click.Context, recipients: tuple[str, ...], sender: str | None) -> None:
    """Store one message read from standard input (for an MTA's pipe transport)."""
    # What it prints is the MTA's, which may pass it on to the sender: English, as the
    # reasons are stored (see kanban_email_bcc.reasons).
    from kanban.cli import loading_modules

    # Imported here, as every command's modules are: `kanban mail ingest --help` and the
    # other commands do not wait for the ingestion's models and parsers.
    with loading_modules():
        from kanban_email_bcc.ingest import ingest_message, max_message_bytes

    raw = sys.stdin.buffer.read(max_message_bytes() + 1)
    result = ingest_message(raw, via="pipe", recipients=list(recipients) or None,
                            mail_from=sender)
    click.echo(f"{result.outcome}: {result.reason}", err=True)
    ctx.exit(exit_code(result))


@mail.command("reprocess")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="Try every quarantined message again.")
def reprocess_command(ids: tuple[int, ...], every: bool) -> None:
    """Try quarantined messages again (by their number on the quarantine page)."""
    from kanban.extensions import db
    from kanban_email_bcc.models import QuarantinedMessage
    from kanban_email_bcc.reasons import log_words, outcome_words
    from kanban_email_bcc.reprocess import reprocess, reprocess_all, still_quarantined

    if every:
        done = reprocess_all()
    elif ids:
        done = []
        for item_id in ids:
            item = db.session.get(QuarantinedMessage, item_id)
            if item is None:
                raise click.ClickException(_("No quarantined message %(id)d.", id=item_id))
            done.append((item_id, reprocess(item)))
    else:
        raise click.UsageError(_("Give the numbers of the messages, or --all."))
    for item_id, result in done:
        click.echo(f"{item_id}: {outcome_words(result.outcome)}: "
                   f"{log_words(result.outcome, result.reason)}")
    left = still_quarantined([result for _item, result in done])
    click.echo(_("%(tried)d tried again, %(left)d left the quarantine, %(stayed)d stayed.",
                 tried=len(done), left=len(done) - left, stayed=left))


@mail.command("fetch")
@click.option("--host", help="IMAP server (EMAIL_BCC_IMAP_HOST).")
@click.option("--port", type=int, help="IMAP port (EMAIL_BCC_IMAP_PORT; 993 with SSL).")
@click.option("--user", help="IMAP login (EMAIL_BCC_IMAP_USER).")
@click.option("--password", envvar="KANBAN_EMAIL_BCC_IMAP_PASSWORD",
              help="IMAP password (EMAIL_BCC_IMAP_PASSWORD).")
@click.option("--ssl/--no-ssl", default=None, help="Use IMAP over SSL (default: on).")
@click.option("--mailbox", help="Mailbox to poll (EMAIL_BCC_IMAP_MAILBOX, default INBOX).")
@click.option("--move-to", help="Move stored messages here instead of marking them seen.")
@click.pass_context
def fetch(ctx: click.Context, host, port, user, password, ssl, mailbox, move_to) -> None:
    """Fetch new messages from an IMAP mailbox and store them."""
    import imaplib

    from kanban_email_bcc.imap import fetch_mailbox, settings_from_config
    from kanban_email_bcc.reasons import outcome_words

    settings = settings_from_config(host=host, port=port, user=user, password=password,
                                    ssl=ssl, mailbox=mailbox, move_to=move_to)
    if not settings.host or not settings.user:
        raise click.UsageError(_("Give the IMAP server and login (--host, --user) or set "
                                 "EMAIL_BCC_IMAP_HOST and EMAIL_BCC_IMAP_USER."))
    try:
        report = fetch_mailbox(settings)
    except (OSError, imaplib.IMAP4.error) as exc:
        click.echo(_("The IMAP server %(server)s did not let us in (%(error)s); nothing was "
                     "fetched, the next run tries again.",
                     server=f"{settings.host}:{settings.port}",
                     error=exc or type(exc).__name__), err=True)
        ctx.exit(EX_TEMPFAIL)
    summary = ", ".join(f"{outcome_words(outcome)}: {n}"
                        for outcome, n in sorted(report.outcomes.items()))
    click.echo(_("Fetched up to UID %(uid)s (%(summary)s).", uid=report.last_uid,
                 summary=summary) if summary else
               _("Fetched up to UID %(uid)s: nothing new.", uid=report.last_uid))
    if report.stopped_on_failure:
        click.echo(_("Stopped on a storage failure; the next run tries again."), err=True)
        ctx.exit(EX_TEMPFAIL)
