"""Quarantined mail tried again after a fix: from the quarantine page or the command line."""

from __future__ import annotations

import kanban_email_bcc.ingest as ingest_module
from kanban_email_bcc.ingest import ingest_message
from kanban_email_bcc.models import IngestionEntry, QuarantinedMessage
from kanban_email_bcc.reprocess import reprocess, still_quarantined
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Lead
from kanban.notify.store import latest
from tests.conftest import log_in
from tests.email_bcc.conftest import quarantined


def test_a_message_understood_now_lands_on_a_lead_and_leaves_the_quarantine(parser_bug,
                                                                             seller):
    result = reprocess(parser_bug)

    assert result.outcome == "stored"
    assert quarantined() == []
    lead = db.session.scalars(select(Lead)).one()
    assert lead.title == "Kept safe" and lead.owner_id == seller.id
    entry = db.session.scalars(select(IngestionEntry).order_by(IngestionEntry.id.desc())).first()
    assert (entry.via, entry.outcome) == ("reprocess", "stored")


def test_the_owners_notice_that_it_waits_in_the_quarantine_is_read_once_it_is_filed(
        parser_bug, seller):
    [notice] = latest(seller)
    assert notice.kind == "email_unfiled" and not notice.is_read

    reprocess(parser_bug)

    db.session.expire_all()
    assert [(item.kind, item.is_read) for item in latest(seller)] == [("email_unfiled", True)]


def test_the_notice_of_a_message_still_in_the_quarantine_stays_unread(address, seller):
    ingest_message(b"\r\n\r\n<b>not mail</b>", via="pipe", recipients=[address])

    reprocess(quarantined()[0])

    db.session.expire_all()
    assert [(item.kind, item.is_read) for item in latest(seller)] == [("email_unfiled", False)]


def test_a_message_still_not_understood_stays_once_with_the_new_reason(address, monkeypatch):
    ingest_message(b"\r\n\r\n<b>not mail</b>", via="pipe", recipients=[address])
    item = quarantined()[0]
    item.reason = "an old reason"
    db.session.commit()

    result = reprocess(item)

    assert result.outcome == "quarantined"
    [kept] = quarantined()
    assert kept.id == item.id and "no headers" in kept.reason


def test_a_message_refused_on_a_retry_stays_with_the_reason(parser_bug, seller):
    seller.active = False  # the dropbox's owner left the team meanwhile
    db.session.commit()

    result = reprocess(parser_bug)

    assert result.outcome == "rejected"
    [kept] = quarantined()
    assert kept.id == parser_bug.id and kept.raw == parser_bug.raw
    assert kept.reason == result.reason
    assert still_quarantined([result]) == 1


def test_the_same_message_delivered_again_is_quarantined_once(address):
    for via in ("pipe", "pipe", "smtp"):
        result = ingest_message(b"\r\n\r\n<b>not mail</b>", via=via, recipients=[address])
        assert result.outcome == "quarantined"
    assert len(quarantined()) == 1
    outcomes = db.session.scalars(select(IngestionEntry.outcome)).all()
    assert outcomes == ["quarantined"] * 3  # the log still shows every delivery


def test_a_message_quarantined_twice_before_stays_once_after_a_retry(address):
    raw = b"\r\n\r\n<b>not mail</b>"
    for _copy in range(2):  # as kept before copies were told apart
        db.session.add(QuarantinedMessage(raw=raw, size=len(raw), reason="old", via="pipe"))
    db.session.commit()
    first, second = quarantined()

    assert reprocess(second).outcome == "quarantined"

    [kept] = quarantined()
    assert kept.id == second.id and kept.raw == raw and "no headers" in kept.reason


def test_a_storage_failure_leaves_the_message_where_it_was(parser_bug, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest_module, "store_message", fail)
    assert reprocess(parser_bug).outcome == "failed"
    assert [item.id for item in quarantined()] == [parser_bug.id]


def test_an_admin_tries_one_message_again_from_the_quarantine_page(app, admin_client,
                                                                     parser_bug):
    page = admin_client.get("/mail/quarantine").get_data(as_text=True)
    assert f"/mail/quarantine/{parser_bug.id}/retry" in page

    response = admin_client.post(f"/mail/quarantine/{parser_bug.id}/retry",
                                 follow_redirects=True)

    assert "Tried again: 1. Out of the quarantine: 1. Still in it: 0." in response.text
    assert quarantined() == []


def test_an_admin_tries_every_message_again(app, admin_client, parser_bug, address):
    ingest_message(b"\r\n\r\n<b>not mail</b>", via="pipe", recipients=[address])

    response = admin_client.post("/mail/quarantine/retry", follow_redirects=True)

    assert "Tried again: 2. Out of the quarantine: 1. Still in it: 1." in response.text
    assert len(quarantined()) == 1


def test_only_admins_try_quarantined_mail_again(app, seller, parser_bug):
    client = log_in(app.test_client(), seller)
    assert client.post(f"/mail/quarantine/{parser_bug.id}/retry").status_code == 403
    assert client.post("/mail/quarantine/retry").status_code == 403
    assert len(quarantined()) == 1


def test_an_unknown_message_number_is_404(admin_client, parser_bug):
    assert admin_client.post("/mail/quarantine/9999/retry").status_code == 404


def test_the_command_tries_messages_again_and_says_what_happened(app, parser_bug):
    runner, item_id = app.test_cli_runner(), parser_bug.id

    result = runner.invoke(args=["mail", "reprocess", "--all"])

    assert result.exit_code == 0, result.output
    assert f"{item_id}: stored:" in result.output
    assert "1 tried again, 1 left the quarantine, 0 stayed." in result.output
    assert db.session.scalar(select(func.count()).select_from(QuarantinedMessage)) == 0


def test_the_command_names_an_unknown_message_and_needs_a_choice(app):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["mail", "reprocess", "42"])
    assert unknown.exit_code == 1 and "No quarantined message 42." in unknown.output
    assert runner.invoke(args=["mail", "reprocess"]).exit_code == 2
