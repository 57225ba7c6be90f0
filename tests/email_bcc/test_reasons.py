"""Why a message went where it did: stored in English, read in the reader's language."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from kanban_email_bcc import reasons
from kanban_email_bcc.ingest import ingest_message
from kanban_email_bcc.reasons import REASONS, english, outcome_words, words

from tests.email_bcc.conftest import build_mail


def sample_values(message: str) -> dict[str, str]:
    return {name: f"<{name}>" for name in re.findall(r"%\((\w+)\)s", message)}


@pytest.mark.parametrize("message", REASONS)
@pytest.mark.parametrize("language", ["pt", "it", "es", "ru"])
def test_every_stored_reason_reads_in_the_readers_language(app, message, language):
    values = sample_values(message)
    stored = english(message, **values)
    with app.test_request_context(), force_locale(language):
        said = words(stored)
    assert said != stored
    assert all(value in said for value in values.values())


def test_an_automatic_message_says_what_made_it_so_in_the_readers_language(app):
    stored = english(reasons.IGNORED_AS, what=english(reasons.BULK, value="junk"))
    with app.test_request_context(), force_locale("ru"):
        assert words(stored) == "пропущено: массовая рассылка (Precedence: junk)"


def test_a_stored_mail_from_an_unverified_sender_reads_both_parts(app):
    stored = (english(reasons.ATTACHED, lead=7, address="ana@x.pt") + reasons.JOINED
              + english(reasons.UNVERIFIED, sender="ana@x.pt"))
    with app.test_request_context(), force_locale("pt"):
        assert words(stored) == ("associado ao lead #7 (pelo endereço ana@x.pt); "
                                 "remetente não verificado (ana@x.pt)")


def test_a_reply_filed_by_its_thread_says_so_not_an_address(app, address, sales):
    first = ingest_message(build_mail(message_id="<start@acme.test>"), via="pipe",
                           recipients=[address])
    reply = build_mail(sender="Paula <paula.private@home.example>", to="sam@acme.test",
                       subject="Re: Our offer", headers={"In-Reply-To": "<start@acme.test>"})
    stored = ingest_message(reply, via="pipe", recipients=[address]).reason
    with app.test_request_context(), force_locale("ru"):
        assert words(stored) == f"прикреплено к лиду #{first.lead_id} (ответ в его переписке)"


def test_a_reason_stored_before_with_its_outcome_in_front_reads_without_it(app):
    with app.test_request_context(), force_locale("es"):
        assert words("quarantined: The message has no headers.") == (
            "El mensaje no tiene encabezados.")


def test_a_reason_it_does_not_know_reads_as_stored(app):
    with app.test_request_context(), force_locale("it"):
        assert words("something a newer version wrote") == "something a newer version wrote"
        assert outcome_words("held") == "held"


def test_the_mail_log_speaks_the_readers_language(app, admin_client, address, sales):
    ingest_message(build_mail(), via="pipe", recipients=["dropbox+nobody@crm.example.test"])
    page = admin_client.get("/mail/log", headers={"Accept-Language": "ru"}).text
    assert "<strong>отклонено</strong>: неизвестный адрес для копий (nobody)" in page
    assert "<td>командная строка</td>" in page


def test_the_mail_log_says_who_sent_a_message_too_large_and_for_whom(app, admin_client,
                                                                     address, seller):
    app.config["EMAIL_BCC_MAX_MESSAGE_BYTES"] = 2000
    raw = build_mail(body="a line of text\n" * 400)
    ingest_message(raw, via="smtp", recipients=[address], mail_from="franco@neri.example")
    page = admin_client.get("/mail/log", headers={"Accept-Language": "it"}).text
    assert (f"<strong>rifiutato</strong>: troppo grande ({len(raw)} byte), da "
            "franco@neri.example alla casella di raccolta di Sam Seller") in page


@pytest.mark.parametrize(("language", "line"), [
    ("en", "<strong>ignored</strong>: bulk mail (Precedence: junk)"),
    ("it", "<strong>ignorato</strong>: posta massiva (Precedence: junk)"),
])
def test_the_mail_log_says_ignored_once(app, admin_client, address, sales, language, line):
    ingest_message(build_mail(headers={"Precedence": "junk"}), via="pipe", recipients=[address])
    page = admin_client.get("/mail/log", headers={"Accept-Language": language}).text
    assert line in page


def test_the_quarantine_speaks_the_readers_language(app, admin_client, address):
    ingest_message(b"\r\n\r\n<b>not mail</b>", via="pipe", recipients=[address])
    page = admin_client.get("/mail/quarantine", headers={"Accept-Language": "it"}).text
    assert "Il messaggio non ha intestazioni." in page


def test_a_message_without_a_sender_is_quarantined_saying_so(address, sales):
    result = ingest_message(build_mail(sender="", to="boss@acme.test"), via="pipe",
                            recipients=[address])
    assert (result.outcome, result.reason) == ("quarantined", reasons.NO_SENDER)


@pytest.mark.parametrize("sender", ["Pete <pete@silly.test>", "someone <xxxxx@xxxxx>"])
def test_a_message_from_an_address_that_is_not_valid_is_quarantined_naming_it(address, sales,
                                                                             sender):
    written = sender.split("<")[1].rstrip(">")
    result = ingest_message(build_mail(sender=sender, to="sam@acme.test"), via="pipe",
                            recipients=[address])
    assert (result.outcome, result.reason) == (
        "quarantined",
        f"no outside address to match: {written} is not a valid address")
