"""A client's email brings a lead in standby back to to do, as a web form does: the owner
has something to answer now. The owner's own mail, and mail whose sender our mail server
could not verify, leave the standby as it is."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from kanban_email_bcc.ingest import ingest_message

from kanban.extensions import db
from kanban.models import Lead
from kanban.models.base import today
from kanban.notify.store import latest, text_of
from tests.email_bcc.conftest import DOMAIN, build_mail
from tests.factories import LeadFactory

FROM_PAULA = {"sender": "Paula Prospect <paula@prospect.example>",
              "to": "Sam Seller <sam@acme.test>", "subject": "Can we do it today?"}


@pytest.fixture
def waiting(sales, seller) -> Lead:
    """Paula's lead, in standby until tomorrow at 09:30."""
    return LeadFactory(stage=sales.stages[1], owner=seller, email="Paula@Prospect.example",
                       next_action_kind="standby", next_action_date=today() + timedelta(days=1),
                       next_action_time=time(9, 30))


def next_action_of(lead: Lead) -> str:
    db.session.expire_all()
    return db.session.get(Lead, lead.id).next_action_kind


def test_an_email_from_the_leads_contact_brings_it_back_to_to_do(address, waiting):
    result = ingest_message(build_mail(**FROM_PAULA), via="smtp", recipients=[address])

    assert result.outcome == "stored" and result.lead_id == waiting.id
    assert next_action_of(waiting) == "todo"


def test_the_contacts_reply_in_the_thread_brings_the_lead_back_to_to_do(address, waiting):
    ingest_message(build_mail(message_id="<offer@acme.test>"), via="smtp", recipients=[address])
    reply = build_mail(**{**FROM_PAULA, "subject": "Re: Our offer"},
                       headers={"In-Reply-To": "<offer@acme.test>"})

    result = ingest_message(reply, via="smtp", recipients=[address])

    assert "thread" in result.reason and next_action_of(waiting) == "todo"


def test_the_owners_own_bcc_to_the_contact_leaves_the_lead_in_standby(address, waiting):
    result = ingest_message(build_mail(), via="smtp", recipients=[address])

    assert result.outcome == "stored" and result.lead_id == waiting.id
    assert next_action_of(waiting) == "standby"


def test_an_email_claiming_the_contact_but_unverified_leaves_the_lead_in_standby(address,
                                                                               waiting):
    raw = (f"Authentication-Results: {DOMAIN}; dmarc=fail header.from=prospect.example\r\n"
           .encode() + build_mail(**FROM_PAULA))

    result = ingest_message(raw, via="smtp", recipients=[address])

    assert result.lead_id == waiting.id and "unverified" in result.details
    assert next_action_of(waiting) == "standby"


def test_someone_else_writing_in_the_thread_leaves_the_lead_in_standby(address, waiting):
    ingest_message(build_mail(message_id="<offer@acme.test>"), via="smtp", recipients=[address])
    reply = build_mail(sender="Piero Partner <piero@partner.example>", to="sam@acme.test",
                       subject="Re: Our offer", headers={"In-Reply-To": "<offer@acme.test>"})

    result = ingest_message(reply, via="smtp", recipients=[address])

    assert result.lead_id == waiting.id and next_action_of(waiting) == "standby"


def test_a_contacts_email_makes_the_lead_due_today_and_tells_its_owner(address, waiting):
    ingest_message(build_mail(**FROM_PAULA, body="Call me today please!"), via="smtp",
                   recipients=[address])

    db.session.expire_all()
    assert db.session.get(Lead, waiting.id).next_action_date == today()
    assert [text_of(item) for item in latest(waiting.owner)] == [
        f"A client wrote on “{waiting.title}”: Call me today please!"]
