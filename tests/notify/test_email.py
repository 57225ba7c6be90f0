"""Notification emails through a real SMTP server on loopback: sent after the action,
in the reader's language, with links; retried when the server fails; never blocking."""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import pytest
from sqlalchemy import select, update

from kanban.extensions import db
from kanban.models import Notification
from kanban.models.base import utcnow
from kanban.models.job import Job
from kanban.notify.delivery import deliver_pending
from kanban.notify.mailer import read_smtp_url
from kanban.notify.store import notify
from kanban.services.leads import create_lead, update_lead
from tests.conftest import log_in
from tests.factories import LeadFactory, UserFactory
from tests.smtp_server import PASSWORD, USER, free_port


@pytest.fixture
def mail(app, inbox):
    box, url = inbox
    app.config.update(SMTP_URL=url, PUBLIC_URL="https://crm.example.com/sales",
                      MAIL_FROM="Kanban <crm@team.internal>")
    return box


def only_notification() -> Notification:
    return db.session.scalars(select(Notification)).one()


def test_a_lead_handed_over_reaches_its_new_owner_by_email(app, mail, pipeline, manager):
    rui = UserFactory(email="rui@team.internal")
    lead = LeadFactory(stage=pipeline.stages[0], owner=manager, title="Acme")
    update_lead(lead, {"owner_id": rui.id}, user=manager)
    [message] = mail.to("rui@team.internal")
    assert message["Subject"] == f"{manager.name} gave you “Acme”."
    assert message["From"] == "Kanban <crm@team.internal>"
    text = message.get_body(("plain",)).get_content()
    assert f"https://crm.example.com/sales/leads/{lead.id}" in text
    html = message.get_body(("html",)).get_content()
    assert f'href="https://crm.example.com/sales/leads/{lead.id}"' in html
    assert only_notification().email_state == "sent"


def test_an_email_carries_its_date_and_an_id_at_the_senders_domain(app, mail, pipeline):
    UserFactory(email="eva@team.internal")
    before = utcnow().replace(microsecond=0)
    create_lead({"title": "Acme"}, user=None)
    [message] = mail.to("eva@team.internal")
    sent_at = parsedate_to_datetime(message["Date"])
    assert sent_at.utcoffset() is not None
    assert before <= sent_at <= utcnow()
    assert re.fullmatch(r"<[^<>@\s]+@team\.internal>", message["Message-ID"])


def test_without_a_domain_in_the_sender_the_id_takes_the_public_urls_host(
        app, mail, pipeline):
    app.config.update(MAIL_FROM="kanban")
    UserFactory(email="eva@team.internal")
    create_lead({"title": "Acme"}, user=None)
    [message] = mail.to("eva@team.internal")
    assert message["Message-ID"].endswith("@crm.example.com>")


def test_an_email_tried_again_keeps_its_message_id(app, mail, pipeline):
    mail.answer = "451 Try again later"
    UserFactory(email="eva@team.internal")
    create_lead({"title": "Acme"}, user=None)
    mail.answer = "250 OK"
    db.session.execute(update(Notification).values(email_next_at=utcnow()))
    db.session.commit()
    deliver_pending()
    [refused], [sent] = mail.refused, mail.to("eva@team.internal")
    assert sent["Message-ID"] is not None
    assert sent["Message-ID"] == refused["Message-ID"]


def test_two_notifications_have_two_message_ids(app, mail, pipeline):
    UserFactory(email="eva@team.internal")
    create_lead({"title": "Acme"}, user=None)
    create_lead({"title": "Beta"}, user=None)
    first, second = mail.to("eva@team.internal")
    assert first["Message-ID"] != second["Message-ID"]


def test_the_email_speaks_the_readers_language(app, mail, pipeline):
    UserFactory(email="ana@team.internal", locale="ru")
    create_lead({"title": "Заявка с сайта"}, user=None)
    [message] = mail.to("ana@team.internal")
    assert message["Subject"] == "Новый лид ждёт ответственного: «Заявка с сайта»."
    assert "Открыть лид" in message.get_body(("html",)).get_content()


def test_a_web_form_lead_sent_through_the_app_is_emailed_after_the_answer(
        app, mail, pipeline, manager):
    UserFactory(email="eva@team.internal")
    client = log_in(app.test_client(), manager)
    response = client.post("/api/v1/leads", json={"title": "From the API", "owner_id": None})
    assert response.status_code == 201
    assert mail.messages == []  # not while the request was being answered
    response.close()  # what a WSGI server does once the answer has gone out
    assert [m["Subject"] for m in mail.to("eva@team.internal")] == [
        "New lead waiting for an owner: “From the API”."]


def test_a_round_lost_with_a_restart_does_not_hold_back_later_emails(
        app, mail, pipeline, manager):
    lost = Job(kind="notify.send", status="queued", params={},
               created_at=utcnow() - timedelta(minutes=2))  # its thread went with a restart
    db.session.add(lost)
    db.session.commit()
    UserFactory(email="eva@team.internal")
    client = log_in(app.test_client(), manager)

    client.post("/api/v1/leads", json={"title": "After the restart", "owner_id": None}).close()

    assert [m["Subject"] for m in mail.to("eva@team.internal")] == [
        "New lead waiting for an owner: “After the restart”."]


def test_a_round_just_started_is_not_started_twice(app, mail, pipeline, manager):
    waiting = Job(kind="notify.send", status="queued", params={}, created_at=utcnow())
    db.session.add(waiting)
    db.session.commit()
    UserFactory(email="eva@team.internal")
    client = log_in(app.test_client(), manager)

    client.post("/api/v1/leads", json={"title": "Meanwhile", "owner_id": None}).close()

    assert db.session.scalars(select(Job).where(Job.kind == "notify.send")).all() == [waiting]


def test_notify_run_counts_the_overdue_emails_it_sends(app, mail, pipeline, runner):
    member = UserFactory(email="rui@team.internal",
                         notification_settings={"follow_up_overdue": {"email": True}})
    LeadFactory(stage=pipeline.stages[0], owner=member, title="Acme",
                next_action_date=utcnow().date() - timedelta(days=1))

    result = runner.invoke(args=["notify", "run"])

    assert "1 overdue follow-up(s) told; 1 email(s) sent, 0 to retry" in result.output
    assert len(mail.to("rui@team.internal")) == 1


def test_starttls_and_login(app, tls_inbox, pipeline, manager):
    box, port, cert = tls_inbox
    app.config.update(SMTP_URL=f"smtp+starttls://{quote(USER)}:{quote(PASSWORD)}"
                               f"@localhost:{port}", SMTP_CA_FILE=str(cert))
    rui = UserFactory(email="rui@team.internal")
    update_lead(LeadFactory(stage=pipeline.stages[0], owner=manager), {"owner_id": rui.id},
                user=manager)
    assert len(box.to("rui@team.internal")) == 1


def test_a_refused_login_gives_up_and_keeps_the_reason(app, tls_inbox, pipeline, manager):
    box, port, cert = tls_inbox
    app.config.update(SMTP_URL=f"smtp+starttls://{quote(USER)}:wrong@localhost:{port}",
                      SMTP_CA_FILE=str(cert))
    rui = UserFactory()
    lead = LeadFactory(stage=pipeline.stages[0], owner=manager)
    update_lead(lead, {"owner_id": rui.id}, user=manager)
    assert lead.owner_id == rui.id  # the action is done whatever the mail server says
    item = only_notification()
    assert (item.email_state, item.email_error) == ("failed", "the server refused the login (535)")
    assert box.messages == []


def test_a_server_that_is_down_does_not_block_and_is_tried_again(app, pipeline, manager):
    port = free_port()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    rui = UserFactory(email="rui@team.internal")
    lead = LeadFactory(stage=pipeline.stages[0], owner=manager)
    update_lead(lead, {"owner_id": rui.id}, user=manager)
    item = only_notification()
    assert (item.email_state, item.email_attempts) == ("pending", 1)
    assert "could not reach the mail server" in item.email_error
    assert item.email_next_at > utcnow() + timedelta(seconds=50)
    assert deliver_pending().sent == 0  # not due yet

    from aiosmtpd.controller import Controller

    from tests.smtp_server import Inbox

    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        db.session.execute(update(Notification).values(email_next_at=utcnow()))
        db.session.commit()
        assert deliver_pending().sent == 1
    finally:
        controller.stop()
    assert len(box.to("rui@team.internal")) == 1
    assert only_notification().email_state == "sent"


def test_a_temporary_refusal_waits_longer_each_time_then_gives_up(app, mail, pipeline):
    mail.answer = "451 Try again later"
    ana = UserFactory()
    notify("lead_unassigned", [ana.id], lead=LeadFactory(stage=pipeline.stages[0]))
    waits = []
    for _ in range(6):
        item = only_notification()
        if item.email_state != "pending":
            break
        waits.append(round((item.email_next_at - utcnow()).total_seconds() / 60))
        db.session.execute(update(Notification).values(email_next_at=utcnow()))
        db.session.commit()
        deliver_pending()
        db.session.expire_all()
    assert waits == [1, 5, 15, 60, 240]
    assert only_notification().email_state == "failed"
    assert only_notification().email_attempts == 6


def test_two_senders_at_once_send_each_email_once(app, mail, pipeline):
    mail.answer = "451 later"
    people = [UserFactory() for _ in range(5)]
    notify("lead_unassigned", [p.id for p in people], lead=LeadFactory(stage=pipeline.stages[0]))
    mail.answer = "250 OK"
    db.session.execute(update(Notification).values(email_next_at=utcnow()))
    db.session.commit()
    db.session.remove()

    from concurrent.futures import ThreadPoolExecutor

    def run(_):
        with app.app_context():
            try:
                return deliver_pending().sent
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=3) as pool:
        assert sum(pool.map(run, range(3))) == 5
    assert len(mail.messages) == 5


def test_nobody_is_emailed_without_a_mail_server(app, pipeline):
    UserFactory()
    create_lead({"title": "Visitor"}, user=None)
    assert only_notification().email_state == ""


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "smtp://host:port"])
def test_a_wrong_smtp_url_says_what_is_wrong(url):
    with pytest.raises(ValueError):
        read_smtp_url(url)


def test_smtp_urls_read_their_parts():
    server = read_smtp_url("smtps://crm%40team.internal:p%40ss@mail.example")
    assert (server.scheme, server.host, server.port, server.user, server.password) == (
        "smtps", "mail.example", 465, "crm@team.internal", "p@ss")
    assert read_smtp_url("smtp+starttls://mail.example").port == 587
