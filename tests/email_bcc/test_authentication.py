"""Mail claiming to be from a teammate or a known contact that our own mail server could not
verify: stored as unverified, shown so, never a touch and never a new lead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kanban_email_bcc.authentication import failed_check
from kanban_email_bcc.ingest import ingest_message
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.models.base import utcnow
from tests.conftest import log_in
from tests.email_bcc.conftest import DOMAIN, build_mail
from tests.factories import LeadFactory

OURS = DOMAIN  # the authserv-id defaults to the dropbox domain


def with_results(*values: str, **mail) -> bytes:
    """A message whose topmost headers are these Authentication-Results, in this order."""
    head = "".join(f"Authentication-Results: {value}\r\n" for value in values)
    return head.encode() + build_mail(**mail)


@pytest.mark.parametrize(("headers", "failed"), [
    ([f"{OURS}; dmarc=fail header.from=client.example"], "dmarc=fail"),
    ([f"{OURS}; spf=softfail smtp.mailfrom=x; dkim=none"], "spf=softfail"),
    ([f"{OURS}; spf=fail smtp.mailfrom=x; dkim=pass header.d=client.example"], ""),
    ([f"{OURS}; spf=pass smtp.mailfrom=x", f"{OURS}; dmarc=fail"], ""),  # the topmost counts
    (["mx.elsewhere.example; dmarc=fail"], ""),  # another server's word proves nothing
    ([f"{OURS} 1; dkim=fail header.d=client.example"], "dkim=fail"),  # with a version
    ([], ""),
])
def test_only_our_servers_topmost_header_decides(app, headers, failed):
    assert failed_check(headers, OURS) == failed


@pytest.fixture
def client_lead(sales):
    lead = LeadFactory(email="paula@prospect.example", stage=sales.stages[0],
                       contact_name="Paula Prospect")
    lead.touched_at = utcnow() - timedelta(days=20)
    db.session.commit()
    return lead


def test_mail_from_a_known_contact_that_failed_is_stored_as_unverified(app, address, seller,
                                                                        client_lead):
    touched = client_lead.touched_at
    raw = with_results(f"{OURS}; dmarc=fail header.from=prospect.example",
                       sender="Paula Prospect <paula@prospect.example>",
                       to="Sam Seller <sam@acme.test>", subject="Change of bank details")

    result = ingest_message(raw, via="pipe", recipients=[address])

    assert result.outcome == "stored" and result.lead_id == client_lead.id
    assert "unverified sender (dmarc=fail)" in result.reason
    entry = db.session.scalars(select(Activity).where(Activity.kind == "email")).one()
    assert entry.payload["unverified"] == "dmarc=fail"
    db.session.expire_all()
    assert db.session.get(Lead, client_lead.id).touched_at == touched  # not a touch
    page = log_in(app.test_client(), seller).get(f"/leads/{client_lead.id}").text
    assert "Unverified sender" in page


def test_the_same_mail_verified_is_a_touch_and_not_flagged(app, address, client_lead):
    touched = client_lead.touched_at
    raw = with_results(f"{OURS}; dmarc=pass header.from=prospect.example",
                       sender="Paula Prospect <paula@prospect.example>",
                       to="Sam Seller <sam@acme.test>")

    result = ingest_message(raw, via="pipe", recipients=[address])

    assert result.outcome == "stored" and "unverified" not in result.details
    db.session.expire_all()
    assert db.session.get(Lead, client_lead.id).touched_at > touched  # the message's date


def test_a_forged_teammate_making_a_new_lead_is_quarantined(app, address, sales):
    raw = with_results(f"{OURS}; spf=fail smtp.mailfrom=acme.test; dkim=none",
                       to="Nobody Yet <new@prospect.example>")

    result = ingest_message(raw, via="pipe", recipients=[address])

    assert result.outcome == "quarantined"
    assert "unverified sender (spf=fail)" in result.reason
    assert db.session.scalar(select(Lead.id)) is None


def test_a_stranger_failing_the_check_is_handled_as_any_new_prospect(app, address, sales):
    raw = with_results(f"{OURS}; dmarc=fail", sender="New Person <new@stranger.example>",
                       to="Sam Seller <sam@acme.test>")

    result = ingest_message(raw, via="pipe", recipients=[address])

    assert result.outcome == "stored" and result.created_lead


def test_with_the_dropbox_domain_left_unset_its_default_is_our_servers_id(app, seller,
                                                                         sales):
    from kanban_email_bcc.dropbox import DEFAULT_DOMAIN, dropbox_address, get_dropbox

    app.config.pop("EMAIL_BCC_DOMAIN", None)
    address = dropbox_address(get_dropbox(seller))
    raw = with_results(f"{DEFAULT_DOMAIN}; spf=fail smtp.mailfrom=acme.test; dkim=none",
                       to="Nobody Yet <new@prospect.example>")

    result = ingest_message(raw, via="pipe", recipients=[address])

    assert result.outcome == "quarantined"
    assert db.session.scalar(select(Lead.id)) is None
