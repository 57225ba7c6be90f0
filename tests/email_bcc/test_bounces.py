"""A delivery failure report about a contact's address flags that contact as bouncing."""

from __future__ import annotations

import pytest
from kanban_email_bcc.ingest import ingest_message
from kanban_email_bcc.models import BouncingAddress
from sqlalchemy import select

from kanban.extensions import db
from tests.conftest import log_in
from tests.corpora import CORPORA, require_corpus
from tests.email_bcc.conftest import build_mail
from tests.factories import LeadFactory


def delivery_report(recipient: str, action: str = "failed") -> bytes:
    """A DSN (RFC 3464) as a mail server sends it."""
    return (
        "From: Mail Delivery System <mailer-daemon@mx.acme.test>\r\n"
        "To: sam@acme.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-1@mx.acme.test>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.acme.test\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n--b1--\r\n"
    ).encode()


@pytest.fixture
def paula(sales):
    return LeadFactory(email="paula@prospect.example", stage=sales.stages[0],
                       title="Paula's bakery")


def test_a_failure_report_flags_the_contact_on_the_lead_and_card(app, address, seller, paula):
    result = ingest_message(delivery_report("Paula@Prospect.example"), via="pipe",
                            recipients=[address])

    assert result.outcome == "ignored"
    assert result.details["lead_ids"] == [paula.id]
    flag = db.session.scalars(select(BouncingAddress)).one()
    assert (flag.address, flag.reason) == ("paula@prospect.example",
                                           "smtp; 550 5.1.1 user unknown")
    client = log_in(app.test_client(), seller)
    assert "Mail to paula@prospect.example bounces" in client.get(f"/leads/{paula.id}").text
    assert "bounces" in client.get("/board").text


def test_a_failure_report_counts_the_lead_whose_address_has_a_tag(app, address, sales):
    tagged = LeadFactory(email="mario.verdi+preventivi@prospect.example", stage=sales.stages[0])
    LeadFactory(email="mario.verdi.jr@prospect.example", stage=sales.stages[0])

    result = ingest_message(delivery_report("mario.verdi@prospect.example"), via="pipe",
                            recipients=[address])

    assert result.details["lead_ids"] == [tagged.id]
    assert "(1 lead(s))" in result.reason


def test_a_forwarded_failure_report_flags_the_contact_too(app, address, paula):
    forward = (
        "From: Sam Seller <sam@acme.test>\r\n"
        f"To: {address}\r\nSubject: Fwd: Undelivered Mail Returned to Sender\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="f1"\r\n\r\n'
        "--f1\r\nContent-Type: text/plain\r\n\r\nThis one bounced.\r\n"
        "--f1\r\nContent-Type: message/rfc822\r\n\r\n"
    ).encode() + delivery_report("paula@prospect.example") + b"\r\n--f1--\r\n"

    result = ingest_message(forward, via="pipe", recipients=[address])

    assert result.details.get("bounced") == ["paula@prospect.example"]


def test_a_delayed_delivery_flags_nothing(app, address, paula):
    ingest_message(delivery_report("paula@prospect.example", action="delayed"), via="pipe",
                   recipients=[address])
    assert db.session.scalar(select(BouncingAddress.id)) is None


def test_mail_from_the_contact_clears_the_flag(app, address, paula):
    ingest_message(delivery_report("paula@prospect.example"), via="pipe", recipients=[address])

    result = ingest_message(build_mail(sender="Paula <paula@prospect.example>",
                                       to="Sam Seller <sam@acme.test>"),
                            via="pipe", recipients=[address])

    assert result.outcome == "stored"
    assert db.session.scalar(select(BouncingAddress.id)) is None


def test_a_real_servers_report_names_the_failed_recipient(app, address, sales):
    require_corpus(CORPORA / "email" / "flanker")
    raw = (CORPORA / "email" / "flanker" / "bounce" / "mailbox-full.eml").read_bytes()
    result = ingest_message(raw, via="pipe", recipients=[address])
    assert result.details.get("bounced") == ["user@aol.com"]
