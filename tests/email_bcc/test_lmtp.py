"""LMTP: an MTA hands mail to the running server, with one answer per recipient."""

from __future__ import annotations

import smtplib
import socket

import pytest
from kanban_email_bcc.dropbox import dropbox_address, get_dropbox
from kanban_email_bcc.models import IngestionEntry
from kanban_email_bcc.smtp import SmtpServer
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Activity, Lead
from tests.email_bcc.conftest import build_mail
from tests.factories import UserFactory


@pytest.fixture
def lmtp(app):
    server = SmtpServer(app, "127.0.0.1", 0, lmtp=True).start()
    yield server
    server.stop()


def emails_on_leads() -> int:
    return db.session.scalar(select(func.count()).select_from(Activity)
                             .where(Activity.kind == "email"))


def test_a_message_handed_over_lmtp_lands_on_a_new_lead(lmtp, address, seller):
    with smtplib.LMTP("127.0.0.1", lmtp.port, timeout=30) as client:
        refused = client.sendmail("sam@acme.test", [address], build_mail(subject="Via LMTP"))

    assert refused == {}
    db.session.expire_all()
    lead = db.session.scalars(select(Lead)).one()
    assert lead.title == "Via LMTP" and lead.owner_id == seller.id
    assert emails_on_leads() == 1


def test_the_log_says_a_message_came_over_lmtp(lmtp, address, seller):
    with smtplib.LMTP("127.0.0.1", lmtp.port, timeout=30) as client:
        client.sendmail("sam@acme.test", [address], build_mail(subject="Via LMTP"))
    db.session.expire_all()
    assert db.session.scalars(select(IngestionEntry.via)).all() == ["lmtp"]


def reply(stream) -> list[str]:
    """Read one reply (its continuation lines too)."""
    lines = [stream.readline().decode()]
    while lines[-1][3:4] == "-":
        lines.append(stream.readline().decode())
    return lines


def test_data_is_answered_once_per_recipient_and_the_message_stored_once(lmtp, address,
                                                                          sales):
    other = dropbox_address(get_dropbox(UserFactory(email="rita@acme.test", name="Rita")))
    with socket.create_connection(("127.0.0.1", lmtp.port), timeout=30) as connection:
        stream = connection.makefile("rwb")
        assert reply(stream)[0].startswith("220")

        def say(line: bytes) -> list[str]:
            stream.write(line + b"\r\n")
            stream.flush()
            return reply(stream)

        assert say(b"LHLO mta.acme.test")[-1].startswith("250")
        assert say(b"MAIL FROM:<sam@acme.test>")[0].startswith("250")
        assert say(f"RCPT TO:<{address}>".encode())[0].startswith("250")
        assert say(f"RCPT TO:<{other}>".encode())[0].startswith("250")
        assert say(b"RCPT TO:<paula@prospect.example>")[0].startswith("550")
        assert say(b"DATA")[0].startswith("354")
        stream.write(build_mail(subject="Two dropboxes").replace(b"\n", b"\r\n")
                     .replace(b"\r\r\n", b"\r\n") + b"\r\n.\r\n")
        stream.flush()
        answers = [reply(stream)[0], reply(stream)[0]]
        assert all(answer.startswith("250") for answer in answers), answers
        assert say(b"QUIT")[0].startswith("221")
    db.session.expire_all()
    assert emails_on_leads() == 1


def test_a_message_too_big_is_refused_once_per_recipient_as_the_dropbox_says(app, address,
                                                                            seller):
    app.config["EMAIL_BCC_MAX_MESSAGE_BYTES"] = 2000
    server = SmtpServer(app, "127.0.0.1", 0, lmtp=True).start()
    other = dropbox_address(get_dropbox(UserFactory(email="rita@acme.test", name="Rita")))
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
            stream = connection.makefile("rwb")
            reply(stream)
            for line in (b"LHLO mta.acme.test", b"MAIL FROM:<franco@neri.example>",
                         f"RCPT TO:<{address}>".encode(), f"RCPT TO:<{other}>".encode(),
                         b"DATA"):
                stream.write(line + b"\r\n")
                stream.flush()
                reply(stream)
            stream.write(build_mail(body="a line of text\n" * 400) + b".\r\n")
            stream.flush()
            answers = [reply(stream)[0], reply(stream)[0]]
            stream.write(b"QUIT\r\n")
            stream.flush()
            reply(stream)
    finally:
        server.stop()

    assert answers == ["552 5.3.4 Message too big for the dropbox\r\n"] * 2
    db.session.expire_all()
    entry = db.session.scalars(select(IngestionEntry)).one()
    assert (entry.outcome, entry.via, entry.user_id) == ("rejected", "lmtp", seller.id)
    assert "from franco@neri.example" in entry.reason


def test_lmtp_refuses_ehlo(lmtp):
    with socket.create_connection(("127.0.0.1", lmtp.port), timeout=30) as connection:
        stream = connection.makefile("rwb")
        reply(stream)
        stream.write(b"EHLO mta.acme.test\r\n")
        stream.flush()
        assert reply(stream)[0].startswith("500")


def test_lmtp_listens_on_a_unix_socket(app, address, tmp_path):
    path = str(tmp_path / "lmtp.sock")
    server = SmtpServer(app, lmtp=True, unix_socket=path).start()
    try:
        with smtplib.LMTP(path, timeout=30) as client:
            assert client.sendmail("sam@acme.test", [address], build_mail()) == {}
    finally:
        server.stop()
    db.session.expire_all()
    assert emails_on_leads() == 1
