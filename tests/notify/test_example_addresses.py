"""Addresses at domains reserved for examples (the demo's people at example.com, anything
at .test) are never mailed: a demo left in production tells nobody real anything."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from kanban.demo import demo_team
from kanban.emails import is_reserved_address
from kanban.notify.digest import send_digests
from kanban.notify.mailer import MailNotSent, send
from kanban.services.leads import update_lead
from tests.factories import LeadFactory, UserFactory


@pytest.fixture
def mail(app, inbox):
    box, url = inbox
    app.config.update(SMTP_URL=url, PUBLIC_URL="https://crm.example.com")
    return box


@pytest.mark.parametrize("address", [
    "ana.silva@example.com", "someone@example.org", "x@example.net", "a@sales.example.com",
    "b@shop.example", "c@team.test", "d@nowhere.invalid", "e@localhost", "F@EXAMPLE.COM.",
])
def test_addresses_at_domains_reserved_for_examples_are_reserved(address):
    assert is_reserved_address(address)


@pytest.mark.parametrize("address", [
    "ana@example.pt", "rui@notexample.com", "eva@team.internal", "paula@examples.org",
])
def test_other_addresses_are_not_reserved(address):
    assert not is_reserved_address(address)


def test_a_demo_colleague_given_a_lead_gets_no_email(app, mail, pipeline, manager):
    ana = demo_team()[0]
    lead = LeadFactory(stage=pipeline.stages[0], owner=manager, title="Padaria Lisboeta")

    update_lead(lead, {"owner_id": ana.id}, user=manager)

    assert mail.messages == []


def test_a_colleague_at_a_real_address_still_gets_the_email(app, mail, pipeline, manager):
    rui = UserFactory(email="rui@team.internal")
    lead = LeadFactory(stage=pipeline.stages[0], owner=manager, title="Acme")

    update_lead(lead, {"owner_id": rui.id}, user=manager)

    assert len(mail.to("rui@team.internal")) == 1


def test_a_demo_colleague_gets_no_morning_digest(app, mail, pipeline):
    ana = demo_team()[0]
    LeadFactory(stage=pipeline.stages[0], owner=ana, title="Due today")

    send_digests()

    assert mail.messages == []


def test_the_mailer_itself_refuses_an_example_address_for_good(app, mail):
    message = EmailMessage()
    message["To"] = "Marco Rossi <marco.rossi@example.com>"
    message["Subject"] = "Acme"
    message.set_content("hello")

    with pytest.raises(MailNotSent) as refused:
        send(message)

    assert refused.value.permanent
    assert mail.messages == []
