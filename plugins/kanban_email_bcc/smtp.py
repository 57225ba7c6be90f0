"""The built-in SMTP (or LMTP) server: dropbox addresses checked at RCPT, messages stored
at DATA.

DATA is answered 250 only once the message is stored (or knowingly ignored or
quarantined); a storage failure answers 451 so that the sending server retries. Over
LMTP (RFC 2033), the protocol an MTA uses to hand mail to a local store, DATA gets one
answer per accepted recipient, as the protocol wants; the message is stored once.

A message above the size limit is refused by aiosmtpd itself (at MAIL when the sender
announces its size, else at the end of DATA), in words of its own and without calling the
handler: the server's protocol says it as the dropbox does and has it logged.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
from collections.abc import Sequence
from functools import wraps
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask

from kanban_email_bcc.dropbox import find_dropbox
from kanban_email_bcc.ingest import REJECTED, ingest_message, max_message_bytes
from kanban_email_bcc.ingestion_log import record, record_too_large

log = logging.getLogger(__name__)


TOO_BIG = "552 5.3.4 Message too big for the dropbox"
# aiosmtpd's own answers for a message above its data_size_limit.
ANNOUNCED_TOO_BIG = "552 Error: message size exceeds fixed maximum message size"
FOUND_TOO_BIG = "552 Error: Too much mail data"
END_OF_DATA = b".\r\n"
ANNOUNCED_SIZE = re.compile(r"\bSIZE=(\d+)", re.IGNORECASE)


def per_recipient(server: SMTP, status: str, recipients: int) -> str:
    """An answer to DATA: over LMTP one per recipient, each a whole reply line."""
    if isinstance(server, LMTP):
        return "\r\n".join([status] * max(1, recipients))
    return status


class DropboxHandler:
    """aiosmtpd handler that accepts mail for known dropboxes only."""

    def __init__(self, app: Flask, via: str = "smtp"):
        self.app = app
        self.via = via  # "smtp" or "lmtp", as the log names the way the message came

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        loop = asyncio.get_running_loop()
        try:
            known = await loop.run_in_executor(None, self._is_known, address)
        except Exception:  # the database may be down: the sender must try again
            log.exception("Checking a dropbox address failed")
            return "451 4.3.0 The dropbox cannot be checked now; please try again later"
        if not known:
            return "550 5.1.1 No such dropbox: copy the address from your profile page"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        status = await self._store(envelope)
        return per_recipient(server, status, len(envelope.rcpt_tos))

    async def refuse_too_big(self, size: int, sender: str | None, recipients: list[str], *,
                             announced: bool = False) -> str:
        """Log a message refused for its size; return what to answer."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self._record_too_big, size, sender, recipients,
                                       announced)
        except Exception:  # the sender is told all the same
            log.exception("Logging a message too big failed")
        return TOO_BIG

    async def _store(self, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(
            None, self._ingest, raw, list(envelope.rcpt_tos), envelope.mail_from
        )
        if result.is_temporary_failure:
            return "451 4.3.0 The message could not be stored now; please try again later"
        if result.outcome == REJECTED:
            if result.reason.startswith("too large"):
                return TOO_BIG
            return "550 5.1.1 " + result.reason
        return f"250 2.0.0 {result.outcome}: {result.reason}"[:500]

    def _is_known(self, address: str) -> bool:
        with self.app.app_context():
            dropbox, token = find_dropbox([address])
            if dropbox is None:
                reason = f"unknown dropbox ({token})" if token else "not a dropbox address"
                record("rejected", reason, via=self.via, details={"recipient": address[:254]})
            return dropbox is not None

    def _ingest(self, raw: bytes, recipients: Sequence[str], mail_from: str | None):
        with self.app.app_context():
            return ingest_message(raw, via=self.via, recipients=recipients, mail_from=mail_from)

    def _record_too_big(self, size: int, sender: str | None, recipients: list[str],
                        announced: bool) -> None:
        with self.app.app_context():
            record_too_large(size, limit=max_message_bytes(), via=self.via,
                             recipients=recipients, sender=sender, announced=announced)


class _CountingReader:
    """The connection's reader, counting what DATA reads: aiosmtpd keeps its count to
    itself."""

    def __init__(self, reader: asyncio.StreamReader):
        self.reader = reader
        self.count = 0

    async def readuntil(self, separator: bytes = b"\n") -> bytes:
        line = await self.reader.readuntil(separator)
        self.count += len(line)
        return line

    async def read(self, n: int = -1) -> bytes:
        data = await self.reader.read(n)
        self.count += len(data)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.reader, name)


class DropboxSMTP(SMTP):
    """aiosmtpd's SMTP server, saying its refusals of a message above the size limit as
    the dropbox does (one answer per recipient over LMTP), and having the handler log
    them."""

    event_handler: DropboxHandler
    _mail_arg = ""

    @wraps(SMTP.smtp_MAIL)  # its syntax too, for HELP
    async def smtp_MAIL(self, arg: str | None) -> None:
        self._mail_arg = arg or ""  # the announced size and the sender, for a refusal
        await super().smtp_MAIL(arg)

    @wraps(SMTP.smtp_DATA)
    async def smtp_DATA(self, arg: str) -> None:
        reader = self._reader
        self._reader = _CountingReader(reader)  # type: ignore[assignment]
        try:
            await super().smtp_DATA(arg)
        finally:
            self._reader = reader

    async def push(self, status: Any) -> None:
        if status == FOUND_TOO_BIG and self.envelope is not None:
            status = await self._found_too_big(self.envelope)
        elif status == ANNOUNCED_TOO_BIG:
            announced = ANNOUNCED_SIZE.search(self._mail_arg)
            status = await self.event_handler.refuse_too_big(
                int(announced.group(1)) if announced else 0, _sender_in(self._mail_arg), [],
                announced=True)
        await super().push(status)

    async def _found_too_big(self, envelope: Envelope) -> str:
        """Log a message found too big at the end of DATA; return the answer to DATA."""
        recipients = list(envelope.rcpt_tos)
        size = getattr(self._reader, "count", 0) - len(END_OF_DATA)
        status = await self.event_handler.refuse_too_big(size, envelope.mail_from, recipients)
        return per_recipient(self, status, len(recipients))


class DropboxLMTP(DropboxSMTP, LMTP):
    """aiosmtpd's LMTP server, saying its refusals of a message too big as the dropbox
    does."""


def _sender_in(mail_arg: str) -> str:
    """The sender's address in a MAIL command's argument ("FROM:<a@b.example> SIZE=9")."""
    found = re.match(r"\s*FROM:\s*<?([^<>\s]*)>?", mail_arg, re.IGNORECASE)
    return found.group(1) if found else ""


class SmtpServer:
    """An SMTP server on its own thread and event loop; ``port`` 0 picks a free port.

    With ``lmtp`` it speaks LMTP instead; with ``unix_socket`` it listens on that path
    (an MTA's ``lmtp:unix:`` transport) instead of host and port.
    """

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 2525, *,
                 lmtp: bool = False, unix_socket: str | None = None):
        self.app = app
        self.host = host
        self.port = port
        self.lmtp = lmtp
        self.unix_socket = unix_socket
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SmtpServer:
        """Start listening; return once the port is open. OSError when it cannot be opened
        (``errno.EADDRINUSE``: something listens there already)."""
        with self.app.app_context():
            limit = max_message_bytes()
        handler = DropboxHandler(self.app, via="lmtp" if self.lmtp else "smtp")
        loop = asyncio.new_event_loop()
        self._loop = loop

        protocol = DropboxLMTP if self.lmtp else DropboxSMTP

        def factory() -> SMTP:
            return protocol(handler, data_size_limit=limit, enable_SMTPUTF8=True,
                            hostname=self.app.config.get("EMAIL_BCC_DOMAIN") or None, loop=loop)

        self._thread = threading.Thread(target=loop.run_forever, name="kanban-smtp", daemon=True)
        self._thread.start()
        # Open the socket from the server's own thread: the calling thread may already run
        # an event loop of its own (a browser driver, an async test runner).
        listening = (loop.create_unix_server(factory, self.unix_socket) if self.unix_socket
                     else loop.create_server(factory, self.host, self.port))
        try:
            self._server = asyncio.run_coroutine_threadsafe(listening, loop).result(timeout=10)
        except BaseException:  # the port is taken, or not ours to open: end the thread too
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(timeout=10)
            loop.close()
            self._loop = self._thread = None
            raise
        if not self.unix_socket:
            self.port = self._server.sockets[0].getsockname()[1]
        return self

    @property
    def where(self) -> str:
        return self.unix_socket or f"{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop listening and end the server's thread."""
        if self._loop is None or self._server is None:
            return
        loop, server = self._loop, self._server

        async def close() -> None:
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        loop.close()
        self._loop = self._server = self._thread = None
        if self.unix_socket and os.path.exists(self.unix_socket):
            os.unlink(self.unix_socket)
