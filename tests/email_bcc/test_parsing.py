"""Reading real-world mail: HTML-only bodies, odd charsets, encoded headers, forwards."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from kanban_email_bcc.html_text import html_to_text
from kanban_email_bcc.parsing import UnreadableMail, decode_text, parse_message


def test_html_only_mail_gets_its_text_from_the_html_without_markup():
    message = EmailMessage()
    message["From"] = "olga@client.example"
    message["Subject"] = "Hi"
    message.set_content(
        "<html><head><style>p{color:red}</style><title>T</title></head><body>"
        "<p>Dear Sam,</p><p>Price &amp; terms<br>below:</p><ul><li>10 seats</li></ul>"
        "<script>alert(1)</script><img src=x onerror=alert(2)></body></html>",
        subtype="html",
    )

    text = parse_message(bytes(message)).text

    assert text == "Dear Sam,\n\nPrice & terms\nbelow:\n\n- 10 seats"


def test_html_to_text_never_returns_markup_from_escaped_entities():
    assert html_to_text("<p>&lt;script&gt;x&lt;/script&gt;</p>") == "<script>x</script>"
    assert html_to_text("<div>a</div><div>b</div>") == "a\nb"


def test_plain_text_part_is_preferred_over_html():
    message = EmailMessage()
    message["From"] = "olga@client.example"
    message.set_content("plain words")
    message.add_alternative("<p>html words</p>", subtype="html")

    assert parse_message(bytes(message)).text == "plain words"


def test_unknown_charset_falls_back_to_what_the_bytes_look_like():
    raw = ("From: a@client.example\r\nSubject: x\r\nContent-Type: text/plain; charset=x-unknown\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\nOlá, obrigado pela proposta!\r\n").encode()

    assert "Olá, obrigado" in parse_message(raw).text


def test_wrongly_declared_charset_does_not_crash():
    raw = ("From: a@client.example\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
           "Preço: 100 €\r\n").encode()

    assert parse_message(raw).text == "Preço: 100 €"


def test_latin1_bytes_without_charset_are_decoded():
    assert decode_text("Olá, está tudo bem? Obrigado pela reunião.".encode("latin-1")) == (
        "Olá, está tudo bem? Obrigado pela reunião."
    )


def test_encoded_word_headers_quoted_printable_and_base64_bodies():
    raw = (
        b"From: =?utf-8?q?Jo=C3=A3o_Cliente?= <joao@client.example>\r\n"
        b"Subject: =?iso-8859-1?b?T2ZlcnRhIGVzcGVjaWFs?=\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nPre=C3=A7o fechado=\r\n hoje\r\n"
        b"--b\r\nContent-Type: application/pdf; name=\"=?utf-8?q?proposta_n=C2=BA1.pdf?=\"\r\n"
        b"Content-Disposition: attachment\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"JVBERi0xLjQK\r\n--b--\r\n"
    )

    parsed = parse_message(raw)

    assert parsed.sender == ("João Cliente", "joao@client.example")
    assert parsed.subject == "Oferta especial"
    assert parsed.text.startswith("Preço fechado hoje")
    [attachment] = parsed.attachments
    assert (attachment.filename, attachment.content_type, attachment.content) == (
        "proposta nº1.pdf", "application/pdf", b"%PDF-1.4\n"
    )


def test_a_malformed_address_header_falls_back_instead_of_raising():
    raw = (b"From: \"broken <sam@acme.example>\r\nTo: <<paula@prospect.example>>, ,\r\n"
           b"Subject: =?bogus?q?x?=\r\n\r\nhello\r\n")

    parsed = parse_message(raw)

    assert parsed.text == "hello"


def test_a_sender_written_without_angle_brackets_is_read():
    raw = b"From: Big Bug bb@bug.com\r\nTo: sam@acme.test\r\nSubject: Hi\r\n\r\nhello\r\n"

    assert parse_message(raw).sender == ("Big Bug", "bb@bug.com")


def test_words_without_an_address_are_no_sender():
    raw = b"From: Big Bug\r\nTo: sam@acme.test\r\nSubject: Hi\r\n\r\nhello\r\n"

    assert parse_message(raw).sender[1] == ""


def test_bytes_without_headers_are_unreadable():
    with pytest.raises(UnreadableMail):
        parse_message(b"\r\n\r\nno headers here")
    with pytest.raises(UnreadableMail):
        parse_message(b"")


def test_begin_forwarded_message_block_gives_the_original_sender():
    raw = (b"From: sam@acme.example\r\nSubject: Fwd: Visit\r\n\r\nSee this.\r\n\r\n"
           b"Begin forwarded message:\r\n\r\nFrom: Olga Client <olga@client.example>\r\n"
           b"Subject: Visit\r\nDate: Tue, 17 Nov 2026 10:00:00 +0000\r\n"
           b"To: Sam <sam@acme.example>\r\n\r\nCan you visit on Friday?\r\n")

    forwarded = parse_message(raw).forwarded

    assert forwarded.sender == ("Olga Client", "olga@client.example")
    assert forwarded.subject == "Visit" and forwarded.text == "Can you visit on Friday?"


@pytest.mark.parametrize(("written", "meant"), [
    ("gio 3 dic 2026 alle ore 10:15", datetime(2026, 12, 3, 10, 15)),
    ("mar 1 dic 2026 alle ore 9:05", datetime(2026, 12, 1, 9, 5)),  # Tuesday, not March
    ("Thu, Dec 3, 2026 at 10:15 PM", datetime(2026, 12, 3, 22, 15)),
    ("1 декабря 2026 г. в 10:15", datetime(2026, 12, 1, 10, 15)),
    ("lunes, 1 de diciembre de 2026, 10:30", datetime(2026, 12, 1, 10, 30)),
    ("segunda, 1/12/2026", datetime(2026, 12, 1)),
])
def test_a_forwards_date_written_in_its_readers_language_is_read_in_the_teams_zone(
        app, written, meant):
    app.config["TIMEZONE"] = "Europe/Rome"
    raw = (b"From: Sam <sam@acme.test>\r\nTo: x@y.test\r\nSubject: I: Visita\r\n\r\n"
           b"---------- Messaggio inoltrato ---------\r\nDa: Olga <olga@client.example>\r\n"
           + f"Date: {written}\r\n".encode() + b"Subject: Visita\r\n\r\nVenerdi?\r\n")

    forwarded = parse_message(raw).forwarded

    assert forwarded.date == meant.replace(tzinfo=ZoneInfo("Europe/Rome")).astimezone(UTC)


@pytest.mark.parametrize("written", ["soon", "31/02/2026", "3 dic"])
def test_a_forwards_date_that_names_no_day_is_left_unknown(app, written):
    raw = (b"From: Sam <sam@acme.test>\r\nTo: x@y.test\r\nSubject: I: Visita\r\n\r\n"
           b"---------- Messaggio inoltrato ---------\r\nDa: Olga <olga@client.example>\r\n"
           + f"Date: {written}\r\n".encode() + b"Subject: Visita\r\n\r\nVenerdi?\r\n")

    assert parse_message(raw).forwarded.date is None
