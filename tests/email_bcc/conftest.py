"""Fixtures for the email-BCC plugin: a dropbox owner, messages built to order, a pipeline."""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import kanban_email_bcc.ingest as ingest_module
import pytest
from kanban_email_bcc.dropbox import dropbox_address, get_dropbox
from kanban_email_bcc.models import QuarantinedMessage
from sqlalchemy import select

from kanban.extensions import db
from tests.factories import PipelineFactory, UserFactory

DOMAIN = "crm.example.test"


@pytest.fixture
def plugins():
    return ["email_bcc"]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "EMAIL_BCC_DOMAIN": DOMAIN, "EMAIL_BCC_TEAM_DOMAINS": ["acme.test"],
            "EMAIL_BCC_WEBHOOK_SECRET": "s3cret-hook"}


@pytest.fixture
def sales(app):
    return PipelineFactory(name="Sales", stages=["New", "Contacted", "Proposal"])


@pytest.fixture
def seller(app, sales):
    return UserFactory(email="sam@acme.test", name="Sam Seller")


@pytest.fixture
def address(seller) -> str:
    return dropbox_address(get_dropbox(seller))


def build_mail(
    *,
    sender: str = "Sam Seller <sam@acme.test>",
    to: str = "Paula Prospect <paula@prospect.example>",
    cc: str = "",
    subject: str = "Our offer",
    body: str = "Hello Paula, here is our offer.",
    message_id: str | None = "",
    headers: dict[str, str] | None = None,
    date: datetime = datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
) -> bytes:
    """Return the bytes of a simple message; ``message_id=None`` leaves it out."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    if message_id is not None:
        message["Message-ID"] = message_id or make_msgid(domain="mail.test")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes(policy=policy.SMTP)


def quarantined() -> list[QuarantinedMessage]:
    return list(db.session.scalars(select(QuarantinedMessage).order_by(QuarantinedMessage.id)))


@pytest.fixture
def parser_bug(monkeypatch, address, sales):
    """A message the parser could not read (a bug since fixed): it is in the quarantine."""
    def broken(raw):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(ingest_module, "parse_message", broken)
    result = ingest_module.ingest_message(build_mail(subject="Kept safe"), via="pipe",
                                          recipients=[address])
    assert result.outcome == "quarantined"
    monkeypatch.undo()  # the fix
    return quarantined()[0]
