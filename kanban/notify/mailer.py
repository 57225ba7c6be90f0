"""Sending mail through the team's own outgoing server (``KANBAN_SMTP_URL``).

The URL says how: ``smtp://host:25`` (plain, for a relay on the same machine or
intranet), ``smtp+starttls://user:password@host:587`` (STARTTLS, then login) or
``smtps://user:password@host:465`` (TLS from the first byte). A user name and password
in the URL are percent-encoded.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from flask import current_app
from flask_babel import gettext as _

from kanban.emails import is_reserved_address

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class MailNotSent(Exception):
    """The server could not be reached or refused the message; ``permanent`` when trying
    again will not help (a refused login, a refused address)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    user: str = ""
    password: str = ""


def read_smtp_url(url: str) -> SmtpServer:
    """Read ``KANBAN_SMTP_URL``; raise ValueError saying what is wrong with it, in the team's
    language (``kanban check`` and ``kanban notify`` print it)."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(_("use smtp://, smtp+starttls:// or smtps://, not %(scheme)s",
                           scheme=repr(parts.scheme)))
    if not parts.hostname:
        raise ValueError(_("the address has no host name"))
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError:
        raise ValueError(_("the port is not a number")) from None
    return SmtpServer(parts.scheme, parts.hostname, port, unquote(parts.username or ""),
                      unquote(parts.password or ""))


def connected(server: SmtpServer, timeout: float) -> smtplib.SMTP:
    """Open a connection to the server, greeted (EHLO), encrypted and logged in as its URL
    says; close it with ``with``."""
    context = ssl.create_default_context(cafile=current_app.config.get("SMTP_CA_FILE") or None)
    if server.scheme == "smtps":
        connection = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout,
                                      context=context)
    else:
        connection = smtplib.SMTP(server.host, server.port, timeout=timeout)
    try:
        connection.ehlo()
        if server.scheme == "smtp+starttls":
            connection.starttls(context=context)
            connection.ehlo()
        if server.user:
            connection.login(server.user, server.password)
    except BaseException:
        connection.close()
        raise
    return connection


def _sender_domain(sender: str) -> str:
    """The domain of the From address; else the host of ``KANBAN_PUBLIC_URL``."""
    _local, at, domain = parseaddr(sender)[1].rpartition("@")
    if at and domain.strip():
        return domain.strip()
    return urlsplit(current_app.config.get("PUBLIC_URL") or "").hostname or "localhost"


def send(message: EmailMessage, *, key: str = "") -> None:
    """Send one message; raise MailNotSent when it could not be handed to the server.

    ``key`` names what the message is (a notification, a day's digest), so that sending it
    again after a failure gives it the same Message-ID and the reader's mail program can
    show it once; without one each message gets a new Message-ID."""
    config = current_app.config
    reserved = [address for _name, address in getaddresses(message.get_all("To", []))
                if is_reserved_address(address)]
    if reserved:
        raise MailNotSent(f"{', '.join(reserved)} is an example address, never mailed",
                          permanent=True)
    try:
        server = read_smtp_url(config["SMTP_URL"])
    except ValueError as exc:
        raise MailNotSent(f"KANBAN_SMTP_URL: {exc}", permanent=True) from None
    if "From" not in message:
        message["From"] = config["MAIL_FROM"]
    if "Date" not in message:
        message["Date"] = format_datetime(datetime.now(UTC))
    if "Message-ID" not in message:
        domain = _sender_domain(str(message["From"]))
        message["Message-ID"] = f"<{key}@{domain}>" if key else make_msgid(domain=domain)
    try:
        with connected(server, config["SMTP_TIMEOUT_SECONDS"]) as connection:
            connection.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailNotSent(f"the server refused the login ({exc.smtp_code})",
                          permanent=True) from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = {code for code, _text in exc.recipients.values()}
        raise MailNotSent(f"the server refused the address ({', '.join(map(str, codes))})",
                          permanent=all(code >= 500 for code in codes)) from None
    except smtplib.SMTPResponseException as exc:
        raise MailNotSent(f"the server answered {exc.smtp_code}",
                          permanent=exc.smtp_code >= 500) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(f"could not reach the mail server: {exc}") from None
