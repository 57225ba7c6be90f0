"""Charset labels senders write, read through one table: text stays in its own alphabet."""

from __future__ import annotations

import base64

import pytest
from kanban_email_bcc.charsets import codec_for
from kanban_email_bcc.parsing import decode_text, parse_message

HEBREW = "שלום, קיבלנו את ההצעה"
THAI = "สวัสดีครับ ขอบคุณสำหรับข้อเสนอ"
JAPANESE = "お見積りをありがとうございます"
KOREAN = "제안서 감사합니다"
RUSSIAN = "Спасибо за предложение"
PORTUGUESE = "Olá, obrigado pela proposta"


@pytest.mark.parametrize(("label", "text", "encoding"), [
    ("iso-8859-8-i", HEBREW, "iso8859_8"),  # logical Hebrew, unknown to Python
    ("ISO-8859-8-I", HEBREW, "iso8859_8"),
    ("windows-874", THAI, "cp874"),  # Thai Windows, unknown to Python
    ("x-sjis", JAPANESE, "shift_jis"),
    ("shift-jis", JAPANESE, "shift_jis"),
    ("Shift_JIS;", JAPANESE, "shift_jis"),
    ("ks_c_5601-1987", KOREAN, "cp949"),
    ("x-windows-949", KOREAN, "cp949"),
    ("win-1251", RUSSIAN, "cp1251"),
    ('"windows-1251;"', RUSSIAN, "cp1251"),
    ("x-mac-cyrillic", RUSSIAN, "mac_cyrillic"),
    ("cp-1252", PORTUGUESE, "cp1252"),
    ("3Diso-8859-1", PORTUGUESE, "latin-1"),  # "=3D" left over from quoted-printable
    ("latin-9", PORTUGUESE, "iso8859_15"),
])
def test_a_mangled_or_unknown_label_decodes_to_the_right_alphabet(label, text, encoding):
    assert decode_text(text.encode(encoding), label) == text


@pytest.mark.parametrize("label", ["x-unknown", "none", "", "   ", "unknown-8bit"])
def test_a_label_that_names_no_encoding_gives_none(label):
    assert codec_for(label) is None


def test_utf8_declared_as_ascii_is_still_read_as_utf8():
    assert decode_text("Preço: 100 €".encode(), "us-ascii") == "Preço: 100 €"


def message(subject_word: str, body: bytes, charset: str) -> bytes:
    return (f"From: cliente@example.co.il\r\nTo: sam@acme.test\r\nSubject: {subject_word}\r\n"
            f"Content-Type: text/plain; charset={charset}\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n").encode() + body + b"\r\n"


def test_a_hebrew_message_labelled_iso_8859_8_i_reads_in_hebrew_subject_and_body():
    word = "=?iso-8859-8-i?b?" + base64.b64encode("הצעה".encode("iso8859_8")).decode() + "?="
    parsed = parse_message(message(word, HEBREW.encode("iso8859_8"), "iso-8859-8-i"))
    assert parsed.subject == "הצעה"
    assert parsed.text == HEBREW


def test_a_thai_message_labelled_windows_874_reads_in_thai():
    word = "=?windows-874?q?" + "".join(f"={b:02X}" for b in "ข้อเสนอ".encode("cp874")) + "?="
    parsed = parse_message(message(word, THAI.encode("cp874"), "windows-874"))
    assert parsed.subject == "ข้อเสนอ"
    assert parsed.text == THAI


def test_encoded_words_in_known_charsets_are_left_to_the_standard_parser():
    word = "=?utf-8?q?Proposta_para_S=C3=A3o_Paulo?="
    assert parse_message(message(word, b"ok", "utf-8")).subject == "Proposta para São Paulo"


def raw_subject(subject: bytes) -> bytes:
    return (b"From: cliente@example.pt\r\nTo: sam@acme.test\r\nSubject: " + subject
            + b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nok\r\n")


def test_a_subject_sent_raw_in_a_code_page_reads_in_its_alphabet():
    subject = "Formação de Verão".encode("cp1252")
    assert parse_message(raw_subject(subject)).subject == "Formação de Verão"


def test_a_subject_sent_raw_in_utf8_reads_as_sent():
    assert parse_message(raw_subject("Предложение".encode())).subject == "Предложение"


def raw_sender(name: bytes, subject: bytes, charset: str) -> bytes:
    return (b'From: "' + name + b'" <sender@firma.example>\r\nTo: sam@acme.test\r\n'
            b"Subject: " + subject + b"\r\nContent-Type: text/plain; charset="
            + charset.encode() + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\nok\r\n")


@pytest.mark.parametrize(("name", "codec", "charset"), [
    ("José Núñez", "cp1252", "windows-1252"),
    ("Иван Петров", "cp1251", "windows-1251"),
])
def test_a_senders_name_sent_raw_in_a_code_page_reads_in_its_alphabet(name, codec, charset):
    parsed = parse_message(raw_sender(name.encode(codec), b"Offer", charset))
    assert parsed.sender == (name, "sender@firma.example")


def test_a_short_subject_sent_raw_reads_in_the_charset_its_text_declares():
    parsed = parse_message(raw_sender(b"Ivan", "Привет мир".encode("cp1251"),
                                      "windows-1251"))
    assert parsed.subject == "Привет мир"


def test_a_subject_of_one_raw_byte_is_not_read_as_a_two_byte_charset():
    raw = ("From: Юникод <headers@example.ru>\r\nTo: sam@acme.test\r\n".encode()
           + b"Subject: \xb4!\r\nContent-Type: text/html\r\n\r\nHello\r\n")
    parsed = parse_message(raw)
    assert parsed.subject == "´!"  # Windows-1252, not one Korean syllable (UTF-16)
    assert parsed.sender == ("Юникод", "headers@example.ru")


def test_a_raw_subject_is_not_read_in_the_utf16_its_text_declares():
    raw = (b"From: ana@example.pt\r\nTo: sam@acme.test\r\nSubject: \xb4!\r\n"
           b"Content-Type: text/plain; charset=utf-16\r\n\r\n"
           + "Olá".encode("utf-16") + b"\r\n")
    assert parse_message(raw).subject == "´!"


def test_a_raw_byte_beside_an_encoded_word_is_not_read_as_a_two_byte_charset():
    assert parse_message(raw_subject(b"Ol\xe1 =?utf-8?q?Ol=C3=A1?=")).subject == "Olá Olá"


def test_a_senders_name_in_utf8_with_a_stray_byte_keeps_its_letters():
    raw = ("From: Юникод запрещен".encode() + b"\xf1 <headers@example.ru>\r\n"
           b"To: sam@acme.test\r\nSubject: Hi\r\n\r\nHello\r\n")
    assert parse_message(raw).sender == ("Юникод запрещен\ufffd", "headers@example.ru")


def test_a_folded_subject_reads_on_one_line_with_single_spaces():
    assert parse_message(raw_subject(b"Offer for\r\n\tthe  bakery")).subject == (
        "Offer for the bakery")
