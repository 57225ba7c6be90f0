"""The web form tells people: a new lead reaches the team, held spam reaches the managers."""

from __future__ import annotations

from kanban.extensions import db
from kanban.notify.store import latest, text_of
from kanban.services.owner_rules import set_rule
from tests.factories import UserFactory
from tests.webform.helpers import post_form

ANA = {"name": "Ana Silva", "email": "ana@example.com"}


def test_a_submission_without_an_owner_rule_tells_the_team(client, contact_form, member):
    post_form(client, ANA)
    assert [text_of(item) for item in latest(member)] == [
        "New lead waiting for an owner: “Ana Silva”."]


def test_a_submission_reaches_the_owner_its_rule_picks(client, contact_form, member):
    rui = UserFactory()
    set_rule(contact_form.owner_source, "fixed", [rui.id])
    db.session.commit()
    post_form(client, ANA)
    assert [item.kind for item in latest(rui)] == ["lead_assigned"]
    assert latest(member) == []


def test_held_spam_tells_the_managers_once_a_day(client, contact_form, manager, member):
    for _ in range(3):
        post_form(client, {**ANA, "hp_website": "http://spam.example"})
    assert [text_of(item) for item in latest(manager)] == [
        "Web form “Contact”: a submission is held as spam. Review it."]
    assert latest(member) == []


def test_a_submission_reaches_its_owner_by_email(app, client, contact_form, inbox):
    box, url = inbox
    app.config.update(SMTP_URL=url, PUBLIC_URL="https://crm.example.com")
    rui = UserFactory(email="rui@team.internal", locale="pt")
    set_rule(contact_form.owner_source, "fixed", [rui.id])
    db.session.commit()
    response = post_form(client, ANA)
    response.close()  # the WSGI server closes the answer: then the email leaves
    [message] = box.to("rui@team.internal")
    assert message["Subject"] == "«Ana Silva» é seu: um novo lead."
    assert "https://crm.example.com/leads/" in message.get_body(("plain",)).get_content()
