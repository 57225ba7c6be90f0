"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import socket
import ssl
import subprocess
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "kanban@team.example", "s3cret pass"


class Inbox:
    """What arrived; ``answer`` is what the server says to DATA (a 4xx makes senders retry)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: list[EmailMessage] = []  # answered with something other than 250
        self.recipients: list[list[str]] = []
        self.answer = "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        if not self.answer.startswith("250"):
            self.refused.append(message)
            return self.answer
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return self.answer

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m, rcpt in zip(self.messages, self.recipients, strict=True)
                if address in rcpt]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox():
    """A plain SMTP server (a relay on the same machine); yields (inbox, smtp URL)."""
    box = Inbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, f"smtp://127.0.0.1:{port}"
    controller.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER
          and auth_data.password.decode() == PASSWORD)
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def tls_inbox(certificate):
    """A submission server: STARTTLS required, then a login; yields (inbox, port, cert)."""
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box = Inbox()
    port = free_port()
    controller = Controller(box, hostname="localhost", port=port, tls_context=context,
                            require_starttls=True, auth_require_tls=True,
                            authenticator=_authenticator, auth_required=True)
    controller.start()
    yield box, port, cert
    controller.stop()
