"""The built-in SMTP (or LMTP) server: dropbox addresses checked at RCPT, messages stored
at DATA.

DATA is answered 250 only once the message is stored (or knowingly ignored or
quarantined); a storage failure answers 451 so that the sending server retries. Over
LMTP (RFC 2033), the protocol an MTA uses to hand mail to a local store, DATA gets one
answer per accepted recipient, as the protocol wants; the message is stored once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Sequence

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask

from kanban_email_bcc.dropbox import find_dropbox
from kanban_email_bcc.ingest import REJECTED, ingest_message, max_message_bytes
from kanban_email_bcc.ingestion_log import record

log = logging.getLogger(__name__)


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
        if isinstance(server, LMTP):  # one answer per recipient, each a whole reply line
            return "\r\n".join([status] * max(1, len(envelope.rcpt_tos)))
        return status

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
                return "552 5.3.4 Message too big for the dropbox"
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
        """Start listening; return once the port is open."""
        with self.app.app_context():
            limit = max_message_bytes()
        handler = DropboxHandler(self.app, via="lmtp" if self.lmtp else "smtp")
        loop = asyncio.new_event_loop()
        self._loop = loop

        protocol = LMTP if self.lmtp else SMTP

        def factory() -> SMTP:
            return protocol(handler, data_size_limit=limit, enable_SMTPUTF8=True,
                            hostname=self.app.config.get("EMAIL_BCC_DOMAIN") or None, loop=loop)

        self._thread = threading.Thread(target=loop.run_forever, name="kanban-smtp", daemon=True)
        self._thread.start()
        # Open the socket from the server's own thread: the calling thread may already run
        # an event loop of its own (a browser driver, an async test runner).
        listening = (loop.create_unix_server(factory, self.unix_socket) if self.unix_socket
                     else loop.create_server(factory, self.host, self.port))
        self._server = asyncio.run_coroutine_threadsafe(listening, loop).result(timeout=10)
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
