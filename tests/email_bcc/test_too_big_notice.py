"""A message refused for its size tells the dropbox's owner (else the managers) once, so
that its sender can be asked to send it in parts or as a link."""

from __future__ import annotations

import smtplib

import pytest
from flask_babel import force_locale
from kanban_email_bcc.dropbox import dropbox_address, get_dropbox
from kanban_email_bcc.ingest import ingest_message
from kanban_email_bcc.notifications import TOO_BIG
from kanban_email_bcc.smtp import SmtpServer
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Notification
from kanban.notify.store import latest, notify, text_of
from tests.email_bcc.conftest import build_mail
from tests.email_bcc.test_paths import BIG, data_without_size
from tests.factories import UserFactory

LIMIT = 2000


@pytest.fixture
def small_limit(app) -> int:
    app.config["EMAIL_BCC_MAX_MESSAGE_BYTES"] = LIMIT
    return LIMIT


@pytest.fixture
def small_smtp(app, small_limit):
    server = SmtpServer(app, "127.0.0.1", 0).start()
    yield server
    server.stop()


@pytest.fixture
def small_lmtp(app, small_limit):
    server = SmtpServer(app, "127.0.0.1", 0, lmtp=True).start()
    yield server
    server.stop()


def notices() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def test_a_message_found_too_big_over_smtp_tells_the_dropboxs_owner(small_smtp, address,
                                                                     seller):
    data_without_size(small_smtp, address, BIG)

    [told] = latest(seller)
    assert told.kind == TOO_BIG
    assert told.payload == {"size": len(BIG), "limit": LIMIT, "owner_told": True,
                            "sender": "franco@neri.example"}
    assert text_of(told).startswith("A message from franco@neri.example to your dropbox was "
                                     "refused:")


def test_a_message_too_big_for_two_dropboxes_over_lmtp_is_told_once(small_lmtp, address,
                                                                     seller):
    other = dropbox_address(get_dropbox(UserFactory(email="rita@acme.test", name="Rita")))
    client = smtplib.LMTP("127.0.0.1", small_lmtp.port, timeout=30)
    try:
        client.ehlo_or_helo_if_needed()
        assert client.mail("franco@neri.example")[0] == 250  # no SIZE: found at DATA
        assert client.rcpt(address)[0] == 250 and client.rcpt(other)[0] == 250
        assert client.data(BIG)[0] == 552
    finally:
        client.close()

    assert [(item.kind, item.user_id) for item in notices()] == [(TOO_BIG, seller.id)]


def test_a_message_announced_too_big_tells_the_managers(small_smtp, admin, manager, member):
    with smtplib.SMTP("127.0.0.1", small_smtp.port, timeout=30) as client:
        client.ehlo()
        assert client.mail("franco@neri.example", options=["SIZE=28206694"])[0] == 552

    told = {item.user_id: item for item in notices()}
    assert set(told) == {admin.id, manager.id}  # whose dropbox it was for is not known
    assert text_of(told[admin.id]).startswith(
        "A message from franco@neri.example to a dropbox was refused: 26.9 MB,")


def test_a_message_too_big_through_the_pipe_tells_its_owner(app, small_limit, address,
                                                            seller):
    result = ingest_message(BIG, via="pipe", recipients=[address],
                            mail_from="franco@neri.example")

    assert result.outcome == "rejected"
    assert [item.kind for item in latest(seller)] == [TOO_BIG]


def test_a_message_within_the_limit_tells_nobody(small_smtp, address, seller):
    assert data_without_size(small_smtp, address, build_mail())[0] == 250
    assert notices() == []


@pytest.mark.parametrize("language, words", [
    ("en", "A message from franco@neri.example to your dropbox was refused: 26.9 MB, over "
           "the 25 MB limit. Ask them to send it in parts or as a link."),
    ("pt", "Uma mensagem de franco@neri.example para a sua caixa de entrada foi recusada: "
           "26,9 MB, acima do limite de 25 MB."),
    ("it", "Un messaggio di franco@neri.example al tuo indirizzo di raccolta è stato "
           "rifiutato: 26,9 MB, oltre il limite di 25 MB."),
    ("es", "Se ha rechazado un mensaje de franco@neri.example a tu buzón: 26,9 MB, por "
           "encima del límite de 25 MB."),
    ("ru", "Письмо от franco@neri.example в ваш ящик для копий отклонено: 26,9 МБ, больше "
           "предела в 25 МБ."),
])
def test_the_notice_says_both_sizes_in_the_readers_language(app, seller, language, words):
    notify(TOO_BIG, [seller.id], payload={"size": 28_206_694, "limit": 25 * 1024 * 1024,
                                          "owner_told": True,
                                          "sender": "franco@neri.example"})
    [told] = latest(seller)
    with app.test_request_context(), force_locale(language):
        assert text_of(told).startswith(words)


def test_a_message_just_over_the_limit_never_reads_as_the_limit(app, seller):
    notify(TOO_BIG, [seller.id], payload={"size": 25 * 1024 * 1024 + 1,
                                          "limit": 25 * 1024 * 1024, "owner_told": True,
                                          "sender": ""})
    [told] = latest(seller)
    assert text_of(told) == ("A message to your dropbox was refused: 25.1 MB, over the 25 MB "
                             "limit. Ask its sender to send it in parts or as a link.")
