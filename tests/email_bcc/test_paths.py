"""The ways in: the SMTP server over a loopback socket, the MTA pipe, the webhook."""

from __future__ import annotations

import smtplib

import kanban_email_bcc.ingest as ingest_module
import pytest
from kanban_email_bcc.models import IngestionEntry
from kanban_email_bcc.smtp import SmtpServer
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Activity, Lead
from tests.email_bcc.conftest import build_mail


@pytest.fixture
def smtp(app):
    server = SmtpServer(app, "127.0.0.1", 0).start()
    yield server
    server.stop()


def email_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Activity)
                             .where(Activity.kind == "email"))


def send(server: SmtpServer, recipients: list[str], raw: bytes) -> dict:
    with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as client:
        return client.sendmail("sam@acme.test", recipients, raw)


# --- SMTP -------------------------------------------------------------------------------------


def test_smtp_bcc_lands_on_a_new_lead(smtp, address):
    refused = send(smtp, ["paula@prospect.example", address], build_mail())

    assert refused == {"paula@prospect.example": (550, refused["paula@prospect.example"][1])}
    db.session.expire_all()
    assert db.session.scalars(select(Lead)).one().email == "paula@prospect.example"
    assert email_count() == 1


def test_smtp_unknown_dropbox_is_refused_with_550(smtp, address):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(smtp, ["dropbox+unknown@crm.example.test"], build_mail())

    code, _ = refused.value.recipients["dropbox+unknown@crm.example.test"]
    assert code == 550


@pytest.fixture
def small_smtp(app):
    app.config["EMAIL_BCC_MAX_MESSAGE_BYTES"] = 2000
    server = SmtpServer(app, "127.0.0.1", 0).start()
    yield server
    server.stop()


def test_smtp_oversized_message_declared_with_size_is_refused_with_552(small_smtp, address):
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        send(small_smtp, [address], build_mail(body="a line of text\n" * 400))

    assert refused.value.smtp_code == 552


def test_smtp_oversized_message_is_refused_with_552_after_data(small_smtp, address):
    with smtplib.SMTP("127.0.0.1", small_smtp.port, timeout=30) as client:
        client.ehlo()
        assert client.mail("sam@acme.test")[0] == 250  # no SIZE: the server finds out at DATA
        assert client.rcpt(address)[0] == 250
        code, _ = client.data(build_mail(body="a line of text\n" * 400))

    assert code == 552
    assert email_count() == 0


BIG = build_mail(sender="Franco Neri <franco@neri.example>", to="Sam Seller <sam@acme.test>",
                body="a line of text\n" * 400)


def data_without_size(server: SmtpServer, address: str, raw: bytes) -> tuple[int, bytes]:
    """Send a message without announcing its size: the server finds out at DATA."""
    with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as client:
        client.ehlo()
        assert client.mail("franco@neri.example")[0] == 250
        assert client.rcpt(address)[0] == 250
        return client.data(raw)


def last_log_entry() -> IngestionEntry:
    db.session.expire_all()
    return db.session.scalars(select(IngestionEntry).order_by(IngestionEntry.id.desc())).first()


def test_smtp_a_message_found_too_big_at_data_gets_the_dropboxs_answer(small_smtp, address):
    assert data_without_size(small_smtp, address, BIG) == (
        552, b"5.3.4 Message too big for the dropbox")


def test_smtp_a_message_found_too_big_is_in_its_owners_mail_log(small_smtp, address, seller):
    data_without_size(small_smtp, address, BIG)

    entry = last_log_entry()
    assert (entry.outcome, entry.via, entry.user_id) == ("rejected", "smtp", seller.id)
    assert entry.reason == (f"too large ({len(BIG)} bytes), from franco@neri.example "
                            "to the dropbox of Sam Seller")


def test_smtp_a_message_within_the_limit_leaves_no_size_refusal(small_smtp, address, seller):
    assert data_without_size(small_smtp, address, build_mail())[0] == 250
    assert last_log_entry().outcome == "stored"


def test_smtp_a_message_announced_too_big_gets_the_dropboxs_answer_and_is_logged(small_smtp,
                                                                                 address):
    with smtplib.SMTP("127.0.0.1", small_smtp.port, timeout=30) as client:
        client.ehlo()
        answer = client.mail("franco@neri.example", options=["SIZE=28206694"])

    assert answer == (552, b"5.3.4 Message too big for the dropbox")
    entry = last_log_entry()
    assert (entry.outcome, entry.via, entry.user_id) == ("rejected", "smtp", None)
    assert entry.reason == "too large (28206694 bytes announced), from franco@neri.example"


def test_smtp_storage_failure_answers_451_and_the_retry_stores(smtp, address, monkeypatch):
    real_store = ingest_module.store_message
    calls = []

    def fail_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is down")
        return real_store(*args, **kwargs)

    monkeypatch.setattr(ingest_module, "store_message", fail_once)
    raw = build_mail(message_id="<retry@acme.test>")

    with pytest.raises(smtplib.SMTPDataError) as failed:
        send(smtp, [address], raw)
    assert failed.value.smtp_code == 451
    assert email_count() == 0

    assert send(smtp, [address], raw) == {}
    db.session.expire_all()
    assert email_count() == 1


def test_smtp_and_pipe_delivery_of_one_message_store_it_once(smtp, runner, address):
    raw = build_mail(message_id="<twice@acme.test>")
    send(smtp, [address], raw)

    result = runner.invoke(args=["mail", "ingest", "--recipient", address], input=raw)

    assert result.exit_code == 0 and "duplicate" in result.output
    db.session.expire_all()
    assert email_count() == 1


# --- Pipe -------------------------------------------------------------------------------------


def test_pipe_stores_and_exits_0(runner, address):
    result = runner.invoke(args=["mail", "ingest", "--recipient", address], input=build_mail())

    assert result.exit_code == 0 and "stored" in result.output
    assert email_count() == 1


def test_pipe_finds_the_dropbox_in_the_headers_without_recipient(runner, address):
    raw = f"Delivered-To: {address}\r\n".encode() + build_mail()

    assert runner.invoke(args=["mail", "ingest"], input=raw).exit_code == 0
    assert email_count() == 1


def test_pipe_unknown_dropbox_exits_67(runner, address):
    result = runner.invoke(args=["mail", "ingest", "--recipient",
                                 "dropbox+nobody@crm.example.test"], input=build_mail())

    assert result.exit_code == 67


def test_pipe_storage_failure_exits_75(runner, address, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest_module, "store_message", fail)

    result = runner.invoke(args=["mail", "ingest", "--recipient", address], input=build_mail())

    assert result.exit_code == 75


def test_a_message_not_understood_while_the_database_is_out_of_reach_exits_75(
        runner, address, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def out_of_reach(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr(ingest_module, "quarantine", out_of_reach)

    result = runner.invoke(args=["mail", "ingest"], input=b"\r\n\r\n<b>not mail</b>")

    assert result.exit_code == 75  # the mail server keeps it and tries again


def test_a_message_that_cannot_be_quarantined_for_another_reason_exits_65(
        runner, address, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(ingest_module, "quarantine", broken)

    result = runner.invoke(args=["mail", "ingest"], input=b"\r\n\r\n<b>not mail</b>")

    assert result.exit_code == 65


def test_pipe_auto_reply_is_ignored_with_exit_0(runner, address):
    raw = build_mail(headers={"Auto-Submitted": "auto-replied"})

    result = runner.invoke(args=["mail", "ingest", "--recipient", address], input=raw)

    assert result.exit_code == 0 and "ignored" in result.output
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 0


def test_pipe_unreadable_message_is_quarantined_with_exit_0(runner, address):
    result = runner.invoke(args=["mail", "ingest", "--recipient", address], input=b"\r\n\r\n")

    assert result.exit_code == 0 and "quarantined" in result.output


def test_pipe_exits_65_when_even_the_quarantine_fails(runner, address, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(ingest_module, "quarantine", broken)

    result = runner.invoke(args=["mail", "ingest", "--recipient", address], input=b"\r\n\r\n")

    assert result.exit_code == 65


# --- Webhook ----------------------------------------------------------------------------------


def post_mail(client, raw: bytes, *, secret="s3cret-hook", content_type="message/rfc822",
              recipient: str | None = None):
    headers = {"X-Webhook-Secret": secret} if secret is not None else {}
    query = {"recipient": recipient} if recipient else {}
    return client.post("/mail/inbound", data=raw, content_type=content_type, headers=headers,
                       query_string=query)


def test_webhook_with_good_secret_stores_the_message(client, address):
    response = post_mail(client, build_mail(), recipient=address)

    assert response.status_code == 201
    assert response.json["outcome"] == "stored" and response.json["lead_id"]
    assert email_count() == 1


def test_webhook_takes_octet_stream_and_the_secret_as_bearer(client, address):
    response = client.post("/mail/inbound", data=build_mail(),
                           content_type="application/octet-stream",
                           headers={"Authorization": "Bearer s3cret-hook"},
                           query_string={"recipient": address})

    assert response.status_code == 201


def test_webhook_with_wrong_secret_is_forbidden(client, address):
    response = post_mail(client, build_mail(), secret="guess", recipient=address)

    assert response.status_code == 403
    assert email_count() == 0


def test_webhook_without_secret_is_unauthorized(client, address):
    assert post_mail(client, build_mail(), secret=None, recipient=address).status_code == 401


def test_webhook_with_wrong_content_type_is_refused_with_415(client, address):
    response = post_mail(client, build_mail(), content_type="application/json",
                         recipient=address)

    assert response.status_code == 415


def test_webhook_is_off_without_a_configured_secret(app, client, address):
    app.config["EMAIL_BCC_WEBHOOK_SECRET"] = ""

    assert post_mail(client, build_mail(), recipient=address).status_code == 404


def test_webhook_needs_no_csrf_token(app, client, address):
    app.config["WTF_CSRF_ENABLED"] = True

    assert post_mail(client, build_mail(), recipient=address).status_code == 201


def test_webhook_unknown_dropbox_is_404(client, address):
    response = post_mail(client, build_mail(), recipient="dropbox+zzz@crm.example.test")

    assert response.status_code == 404 and response.json["outcome"] == "rejected"


def test_smtp_answers_451_at_rcpt_when_the_dropbox_cannot_be_checked(smtp, address,
                                                                     monkeypatch):
    import kanban_email_bcc.smtp as smtp_module

    def broken(addresses):
        raise RuntimeError("database is down")

    monkeypatch.setattr(smtp_module, "find_dropbox", broken)

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(smtp, [address], build_mail())

    assert refused.value.recipients[address][0] == 451


def test_pipe_exits_75_when_the_database_is_down_before_storing(runner, address,
                                                                 monkeypatch):
    import kanban_email_bcc.ingest as ingest

    def broken(addresses):
        raise RuntimeError("database is down")

    monkeypatch.setattr(ingest, "find_dropbox", broken)

    result = runner.invoke(args=["mail", "ingest", "--recipient", address], input=build_mail())

    assert result.exit_code == 75


def test_webhook_refuses_an_oversized_message_with_413(app, client, address):
    app.config["EMAIL_BCC_MAX_MESSAGE_BYTES"] = 2000

    response = post_mail(client, build_mail(body="a line of text\n" * 400), recipient=address)

    assert response.status_code == 413
    assert email_count() == 0


def test_pipe_refuses_an_oversized_message_with_exit_65(app, runner, address):
    app.config["EMAIL_BCC_MAX_MESSAGE_BYTES"] = 2000

    result = runner.invoke(args=["mail", "ingest", "--recipient", address],
                           input=build_mail(body="a line of text\n" * 400))

    assert result.exit_code == 65 and "too large" in result.output


def test_pipe_logs_an_oversized_message_for_its_dropboxs_owner(app, runner, address, seller):
    app.config["EMAIL_BCC_MAX_MESSAGE_BYTES"] = 2000

    runner.invoke(args=["mail", "ingest", "--recipient", address,
                        "--sender", "franco@neri.example"], input=BIG)

    entry = last_log_entry()
    assert (entry.outcome, entry.via, entry.user_id) == ("rejected", "pipe", seller.id)
    assert entry.reason == ("too large (2001 bytes), from franco@neri.example "
                            "to the dropbox of Sam Seller")
