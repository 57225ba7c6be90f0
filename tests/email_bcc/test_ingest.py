"""ingest_message: matching rules, exactly-once storage, auto-replies, the log."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from kanban_email_bcc.ingest import ingest_message
from kanban_email_bcc.models import IngestionEntry, MailMessage, QuarantinedMessage
from sqlalchemy import func, select, update

from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.text import has_unstorable
from tests.conftest import log_in
from tests.email_bcc.conftest import build_mail
from tests.factories import LeadFactory, UserFactory


def emails_on(lead: Lead) -> list[Activity]:
    return db.session.scalars(
        select(Activity).where(Activity.lead_id == lead.id, Activity.kind == "email")
    ).all()


def test_bcc_to_unknown_prospect_creates_lead_in_first_stage_owned_by_sender(address, seller,
                                                                            sales):
    result = ingest_message(build_mail(), via="pipe", recipients=[address])

    assert result.outcome == "stored" and result.created_lead
    lead = db.session.get(Lead, result.lead_id)
    assert (lead.title, lead.contact_name, lead.email) == (
        "Our offer", "Paula Prospect", "paula@prospect.example"
    )
    assert lead.stage_id == sales.stages[0].id and lead.owner_id == seller.id
    [email] = emails_on(lead)
    assert email.body == "Hello Paula, here is our offer."
    assert email.payload["direction"] == "outbound"
    assert email.payload["to"] == ["Paula Prospect <paula@prospect.example>"]
    assert email.payload["subject"] == "Our offer"


def test_a_lead_made_from_an_email_lists_its_creation_below_that_email(app, address, seller,
                                                                      sales):
    a_moment_ago = datetime.now(UTC) - timedelta(seconds=5)
    result = ingest_message(build_mail(date=a_moment_ago), via="pipe", recipients=[address])

    page = log_in(app.test_client(), seller).get(f"/leads/{result.lead_id}").text

    assert page.index("Hello Paula, here is our offer.") < page.index("Lead created (Email)")


@pytest.mark.parametrize("header", ["to", "cc"])
def test_the_dropbox_put_in_to_or_cc_is_not_shown_among_the_people_written_to(address, sales,
                                                                             header):
    people = {"to": "Paula Prospect <paula@prospect.example>",
              "cc": "Pia Partner <pia@partner.example>"}
    listed = {**people, header: f"{people[header]}, Team CRM <{address.upper()}>"}
    result = ingest_message(build_mail(**listed), via="pipe", recipients=[address])

    [email] = emails_on(db.session.get(Lead, result.lead_id))
    assert (email.payload["to"], email.payload["cc"]) == ([people["to"]], [people["cc"]])


def test_bcc_attaches_to_lead_whose_contact_matches_ignoring_case_and_plus_tag(address, sales):
    lead = LeadFactory(stage=sales.stages[1], email="paula@prospect.example")

    result = ingest_message(build_mail(to="PAULA+quotes@Prospect.EXAMPLE"), via="pipe",
                            recipients=[address])

    assert result.lead_id == lead.id and not result.created_lead
    assert "paula+quotes@prospect.example" in result.reason
    assert len(emails_on(lead)) == 1


def test_lead_stored_with_plus_tag_matches_plain_address(address, sales):
    lead = LeadFactory(stage=sales.stages[0], email="paula+crm@prospect.example")

    result = ingest_message(build_mail(), via="pipe", recipients=[address])

    assert result.lead_id == lead.id


def test_most_recently_active_open_lead_wins_among_several(address, sales):
    older = LeadFactory(stage=sales.stages[0], email="paula@prospect.example")
    newer = LeadFactory(stage=sales.stages[1], email="paula@prospect.example")
    closed = LeadFactory(stage=sales.stages[2], email="paula@prospect.example", status="won")
    for lead, day in ((older, 1), (newer, 2), (closed, 3)):
        db.session.execute(update(Lead).where(Lead.id == lead.id)
                           .values(updated_at=datetime(2026, 11, day, tzinfo=UTC)))
    db.session.commit()

    result = ingest_message(build_mail(), via="pipe", recipients=[address])

    assert result.lead_id == newer.id


def test_unknown_dropbox_token_is_rejected_not_guessed(address, sales):
    wrong = address.replace("+", "+x")

    result = ingest_message(build_mail(), via="pipe", recipients=[wrong])

    assert result.outcome == "rejected" and "unknown dropbox" in result.reason
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 0


def test_forwarded_rfc822_attachment_is_matched_on_original_sender(address, sales):
    lead = LeadFactory(stage=sales.stages[0], email="olga@client.example")
    original = EmailMessage()
    original["From"] = "Olga Client <olga@client.example>"
    original["To"] = "sam@acme.test"
    original["Subject"] = "Question about pricing"
    original["Message-ID"] = "<orig-1@client.example>"
    original.set_content("How much for 10 seats?")
    forward = EmailMessage()
    forward["From"] = "sam@acme.test"
    forward["To"] = address
    forward["Subject"] = "Fwd: Question about pricing"
    forward["Message-ID"] = "<fwd-1@acme.test>"
    forward.set_content("See below.")
    forward.add_attachment(original)

    result = ingest_message(bytes(forward), via="pipe", recipients=[address])

    assert result.lead_id == lead.id
    [email] = emails_on(lead)
    assert email.payload["from"] == "Olga Client <olga@client.example>"
    assert email.payload["direction"] == "inbound"
    assert "How much for 10 seats?" in email.body


def test_inline_forward_is_matched_on_original_sender(address, sales):
    body = (
        "FYI\n\n---------- Forwarded message ---------\n"
        "From: Olga Client <olga@client.example>\nDate: Tue, 17 Nov 2026 10:00:00 +0000\n"
        "Subject: Pricing\nTo: Sam <sam@acme.test>\n\nHow much for 10 seats?\n"
    )
    raw = build_mail(to=address, subject="Fwd: Pricing", body=body)

    result = ingest_message(raw, via="pipe", recipients=[address])

    lead = db.session.get(Lead, result.lead_id)
    assert (lead.email, lead.contact_name, lead.title) == ("olga@client.example", "Olga Client",
                                                           "Pricing")


def test_what_the_salesperson_wrote_above_an_inline_forward_is_kept(address, sales):
    body = (
        "Olga wants 10 seats by Friday, call her.\n\nSam\n\n"
        "---------- Forwarded message ---------\n"
        "From: Olga Client <olga@client.example>\nSubject: Pricing\nTo: Sam <sam@acme.test>\n"
        "\nHow much for 10 seats?\n"
    )
    result = ingest_message(build_mail(to=address, subject="Fwd: Pricing", body=body),
                            via="pipe", recipients=[address])

    [email] = emails_on(db.session.get(Lead, result.lead_id))
    assert email.payload["note"] == "Olga wants 10 seats by Friday, call her.\n\nSam"
    assert email.body == "How much for 10 seats?"


def test_what_the_salesperson_wrote_above_an_attached_forward_is_kept(address, sales):
    original = EmailMessage()
    original["From"] = "Olga Client <olga@client.example>"
    original["To"] = "sam@acme.test"
    original["Subject"] = "Question about pricing"
    original.set_content("How much for 10 seats?")
    forward = EmailMessage()
    forward["From"] = "sam@acme.test"
    forward["To"] = address
    forward["Subject"] = "Fwd: Question about pricing"
    forward.set_content("Hot one: she decides this week.")
    forward.add_attachment(original)

    result = ingest_message(bytes(forward), via="pipe", recipients=[address])

    [email] = emails_on(db.session.get(Lead, result.lead_id))
    assert email.payload["note"] == "Hot one: she decides this week."
    assert "How much for 10 seats?" in email.body


def test_a_forward_with_nothing_written_above_it_has_no_note(address, sales):
    body = ("---------- Forwarded message ---------\nFrom: Olga Client <olga@client.example>\n"
            "Subject: Pricing\n\nHow much for 10 seats?\n")
    result = ingest_message(build_mail(to=address, body=body), via="pipe",
                            recipients=[address])

    [email] = emails_on(db.session.get(Lead, result.lead_id))
    assert "note" not in email.payload


def test_outlook_original_message_forward_is_matched_on_original_sender(address, sales):
    body = (
        "-----Original Message-----\nFrom: Olga Client [mailto:olga@client.example]\n"
        "Sent: Tuesday, November 17, 2026 10:00 AM\nTo: Sam\nSubject: Pricing\n\nHi\n"
    )
    result = ingest_message(build_mail(to=address, body=body), via="pipe",
                            recipients=[address])

    assert db.session.get(Lead, result.lead_id).email == "olga@client.example"


FORWARDS_IN_THE_TEAMS_LANGUAGES = {
    "gmail-it": ("I: Richiesta", "---------- Messaggio inoltrato ---------\n"
                 "Da: Carla Rosa <carla@hotel-rosa.example>\nDate: lun 1 dic 2026 alle ore 10:00"
                 "\nSubject: Richiesta poltrone\nTo: <sam@acme.test>\n\nCi servono 20 poltrone."),
    "outlook-it": ("I: Richiesta", "-----Messaggio originale-----\n"
                   "Da: Carla Rosa <carla@hotel-rosa.example>\nInviato: lunedì 1 dicembre 2026"
                   "\nA: Sam <sam@acme.test>\nOggetto: Richiesta poltrone\n\nCi servono 20."),
    "gmail-pt": ("ENC: Pedido", "---------- Mensagem encaminhada ---------\n"
                 "De: Carla Rosa <carla@hotel-rosa.example>\nDate: segunda, 1/12/2026\n"
                 "Subject: Richiesta poltrone\nTo: <sam@acme.test>\n\nQueremos 6 mesas."),
    "outlook-es": ("RV: Pedido", "-----Mensaje original-----\n"
                   "De: Carla Rosa <carla@hotel-rosa.example>\nEnviado el: lunes, 1 de diciembre"
                   "\nPara: Sam <sam@acme.test>\nAsunto: Richiesta poltrone\n\nHola."),
    "outlook-ru": ("Пересл: Запрос", "-----Исходное сообщение-----\n"
                   "От: Carla Rosa <carla@hotel-rosa.example>\nОтправлено: 1 декабря 2026 г."
                   "\nКому: Sam <sam@acme.test>\nТема: Richiesta poltrone\n\nДобрый день."),
    "thunderbird-ru": ("Fwd: Запрос", "-------- Пересылаемое сообщение --------\n"
                       "Тема: Richiesta poltrone\nДата: Mon, 1 Dec 2026 10:00:00 +0300\n"
                       "От: Carla Rosa <carla@hotel-rosa.example>\nКому: sam@acme.test\n\nДа."),
    "apple-es": ("Fwd: Pedido", "Inicio del mensaje reenviado:\n\n"
                 "De: Carla Rosa <carla@hotel-rosa.example>\nAsunto: Richiesta poltrone\n"
                 "Fecha: 1 de diciembre de 2026\nPara: sam@acme.test\n\nHola."),
}


@pytest.mark.parametrize("program", FORWARDS_IN_THE_TEAMS_LANGUAGES)
def test_a_forward_written_in_the_teams_languages_is_matched_on_its_sender(
        address, sales, program):
    subject, forwarded = FORWARDS_IN_THE_TEAMS_LANGUAGES[program]
    raw = build_mail(to=address, subject=subject, body="Da gestire\n\n" + forwarded)

    result = ingest_message(raw, via="pipe", recipients=[address])

    assert result.outcome == "stored", result.reason
    lead = db.session.get(Lead, result.lead_id)
    assert (lead.email, lead.contact_name, lead.title) == (
        "carla@hotel-rosa.example", "Carla Rosa", "Richiesta poltrone")


@pytest.mark.parametrize("subject", ["R: Offerta", "I: Offerta", "RIF: Offerta", "RES: Offerta",
                                     "ENC: Offerta", "RV: Offerta", "Отв: Offerta",
                                     "Пересл: Fwd: Offerta"])
def test_a_new_leads_title_drops_the_reply_and_forward_marks_of_every_language(
        address, sales, subject):
    result = ingest_message(build_mail(subject=subject), via="pipe", recipients=[address])

    assert db.session.get(Lead, result.lead_id).title == "Offerta"


FROM_FRANCO = {"sender": "Franco Neri <franco@neri.example>", "to": "Sam Seller <sam@acme.test>",
               "subject": ""}


def test_a_lead_from_an_email_without_subject_is_titled_in_the_teams_language(app, address,
                                                                             seller, sales):
    app.config["LANGUAGE"] = "it"
    seller.locale = "ru"  # the team's language first: every colleague reads the card
    db.session.commit()

    result = ingest_message(build_mail(**FROM_FRANCO), via="smtp", recipients=[address])

    assert db.session.get(Lead, result.lead_id).title == "Email con Franco Neri"


def test_without_a_team_language_it_is_titled_in_its_owners_language(app, address, seller,
                                                                       sales):
    app.config["LANGUAGE"] = None
    seller.locale = "pt"
    db.session.commit()

    result = ingest_message(build_mail(**FROM_FRANCO), via="smtp", recipients=[address])

    assert db.session.get(Lead, result.lead_id).title == "Email com Franco Neri"


def test_with_no_language_chosen_anywhere_it_is_titled_in_english(app, address, sales):
    app.config["LANGUAGE"] = None

    result = ingest_message(build_mail(**FROM_FRANCO), via="smtp", recipients=[address])

    assert db.session.get(Lead, result.lead_id).title == "Email with Franco Neri"


def test_reply_in_same_thread_joins_the_same_lead(address, sales):
    first = ingest_message(build_mail(message_id="<start@acme.test>"), via="pipe",
                           recipients=[address])
    # The prospect answers from another address; the thread still decides.
    reply = build_mail(sender="Paula <paula.private@home.example>", to="sam@acme.test",
                       subject="Re: Our offer", headers={"In-Reply-To": "<start@acme.test>"})

    result = ingest_message(reply, via="pipe", recipients=[address])

    assert result.lead_id == first.lead_id and not result.created_lead
    assert "thread" in result.reason


def test_team_addresses_are_never_the_prospect(address, sales):
    UserFactory(email="colleague@partner.test")
    raw = build_mail(to="Colleague <colleague@partner.test>, boss@acme.test, "
                        f"{address}", cc="Paula <paula@prospect.example>")

    result = ingest_message(raw, via="pipe", recipients=[address])

    assert db.session.get(Lead, result.lead_id).email == "paula@prospect.example"


def test_message_between_team_members_only_is_quarantined_with_reason(address, sales):
    result = ingest_message(build_mail(to="boss@acme.test"), via="pipe", recipients=[address])

    assert result.outcome == "quarantined"
    item = db.session.scalars(select(QuarantinedMessage)).one()
    assert "team address" in item.reason and b"Our offer" in item.raw


def test_same_message_twice_is_stored_once(address, sales):
    raw = build_mail(message_id="<once@acme.test>")

    first = ingest_message(raw, via="smtp", recipients=[address])
    # A mailbox copy names the dropbox in Delivered-To, since a BCC is in no header.
    second = ingest_message(f"Delivered-To: {address}\r\n".encode() + raw, via="imap")

    assert (first.outcome, second.outcome) == ("stored", "duplicate")
    assert "once@acme.test" in second.reason and second.lead_id == first.lead_id
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 1


def test_message_without_message_id_is_deduplicated_by_content(address, sales):
    raw = build_mail(message_id=None)
    relayed = b"Received: from relay.test by mx.test; Mon, 23 Nov 2026 10:00:00 +0000\r\n" + raw

    first = ingest_message(raw, via="pipe", recipients=[address])
    second = ingest_message(relayed, via="webhook", recipients=[address])

    assert (first.outcome, second.outcome) == ("stored", "duplicate")


def test_different_messages_without_message_id_are_both_stored(address, sales):
    ingest_message(build_mail(message_id=None, body="one"), via="pipe", recipients=[address])
    result = ingest_message(build_mail(message_id=None, body="two"), via="pipe",
                            recipients=[address])

    assert result.outcome == "stored"


def test_concurrent_deliveries_of_one_message_store_it_once(app, address, sales):
    raw = build_mail(message_id="<race@acme.test>")
    outcomes: list[str] = []

    def deliver():
        with app.app_context():
            outcomes.append(ingest_message(raw, via="smtp", recipients=[address]).outcome)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("stored") == 1
    assert set(outcomes) <= {"stored", "duplicate", "failed"}
    assert db.session.scalar(select(func.count()).select_from(Activity)
                             .where(Activity.kind == "email")) == 1
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 1


def test_auto_replies_bounces_and_loops_never_create_leads(address, sales):
    variants = [
        {"Auto-Submitted": "auto-replied"},
        {"Return-Path": "<>"},
        {"Precedence": "bulk"},
        {"X-Loop": "crm.example.test"},
    ]
    results = [
        ingest_message(build_mail(headers=headers), via="pipe", recipients=[address])
        for headers in variants
    ]

    assert [r.outcome for r in results] == ["ignored"] * 4
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 0


def test_auto_submitted_no_is_a_normal_message(address, sales):
    result = ingest_message(build_mail(headers={"Auto-Submitted": "no"}), via="pipe",
                            recipients=[address])

    assert result.outcome == "stored"


def test_delivery_status_report_is_ignored(address, sales):
    report = EmailMessage()
    report["From"] = "Mail Delivery System <mailer@mx.test>"
    report["To"] = address
    report["Subject"] = "Undelivered"
    report.set_content("It failed.")
    report.make_mixed()
    report.replace_header("Content-Type", 'multipart/report; report-type=delivery-status; '
                          f'boundary="{report.get_boundary()}"')

    result = ingest_message(bytes(report), via="pipe", recipients=[address])

    assert result.outcome == "ignored" and "report" in result.reason


def test_empty_envelope_sender_is_a_bounce(address, sales):
    result = ingest_message(build_mail(), via="smtp", recipients=[address], mail_from="")

    assert result.outcome == "ignored"


def test_unreadable_message_is_quarantined_never_dropped(address, sales):
    result = ingest_message(b"\r\n\r\njust a body and no headers", via="pipe",
                            recipients=[address])

    assert result.outcome == "quarantined"
    assert db.session.scalars(select(QuarantinedMessage)).one().raw.endswith(b"no headers")


def test_every_message_leaves_a_log_entry_saying_what_happened(address, sales):
    raw = build_mail()
    ingest_message(raw, via="pipe", recipients=[address])
    ingest_message(raw, via="pipe", recipients=[address])
    ingest_message(build_mail(headers={"Auto-Submitted": "auto-replied"}), via="pipe",
                   recipients=[address])
    ingest_message(raw, via="pipe", recipients=["dropbox+nope@crm.example.test"])

    entries = db.session.scalars(select(IngestionEntry).order_by(IngestionEntry.id)).all()

    assert [e.outcome for e in entries] == ["stored", "duplicate", "ignored", "rejected"]
    assert entries[0].reason.startswith("new lead #")
    assert entries[1].reason.startswith("duplicate of message")
    assert "auto-submitted" in entries[2].reason
    assert "unknown dropbox" in entries[3].reason


def test_attachments_are_recorded_with_name_type_and_size(app, address, sales):
    app.config["EMAIL_BCC_ATTACHMENT_MAX_BYTES"] = 10
    message = EmailMessage()
    message["From"] = "sam@acme.test"
    message["To"] = "paula@prospect.example"
    message["Subject"] = "Files"
    message.set_content("Two files.")
    message.add_attachment(b"12345", maintype="application", subtype="pdf", filename="a.pdf")
    message.add_attachment(b"x" * 50, maintype="text", subtype="csv", filename="big.csv")

    result = ingest_message(bytes(message), via="pipe", recipients=[address])

    stored = db.session.get(MailMessage, result.stored_id)
    assert [(a.filename, a.content_type, a.size) for a in stored.attachments] == [
        ("a.pdf", "application/pdf", 5), ("big.csv", "text/csv", 50)
    ]
    assert stored.attachments[0].content == b"12345" and stored.attachments[1].content is None
    [email] = emails_on(db.session.get(Lead, result.lead_id))
    assert email.payload["attachments"][0] == {"name": "a.pdf", "type": "application/pdf",
                                               "size": 5}


def test_redelivery_of_a_stored_message_is_answered_from_its_headers(address, sales,
                                                                     monkeypatch):
    import kanban_email_bcc.ingest as ingest_module

    raw = build_mail(message_id="<again@acme.test>", subject="Again")
    first = ingest_message(raw, via="smtp", recipients=[address])

    def parse_again(raw):
        raise AssertionError("a known duplicate is parsed again")

    monkeypatch.setattr(ingest_module, "parse_message", parse_again)
    second = ingest_message(raw, via="pipe", recipients=[address])

    assert (second.outcome, second.lead_id) == ("duplicate", first.lead_id)
    entry = db.session.scalars(select(IngestionEntry).order_by(IngestionEntry.id.desc())).first()
    assert (entry.outcome, entry.subject, entry.message_id) == ("duplicate", "Again",
                                                                "again@acme.test")


def test_unknown_dropbox_is_rejected_even_for_a_known_message(address, sales):
    raw = build_mail(message_id="<known@acme.test>")
    ingest_message(raw, via="smtp", recipients=[address])

    result = ingest_message(raw, via="pipe", recipients=["dropbox+bad@crm.example.test"])

    assert result.outcome == "rejected"


RAW_WITH_CONTROLS = (
    b"From: Paula\x07 \xff Prospect <paula@prospect.example>\r\n"
    b"To: inbox <INBOX>\r\n"
    b"Subject: Our\x1b offer \xfe\x7f\r\n"
    b"Message-ID: <controls@mail.test>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Hello\x00 Paula,\x08 here\tis \xed\xa0\x80our offer.\x7f\r\n"
)


def test_control_characters_and_broken_bytes_in_a_mail_are_dropped_not_stored(address, sales):
    raw = RAW_WITH_CONTROLS.replace(b"INBOX", address.encode())
    result = ingest_message(raw, via="pipe", recipients=[address])
    assert result.outcome == "stored"
    lead = db.session.get(Lead, result.lead_id)
    [email] = emails_on(lead)
    stored = [lead.title, lead.contact_name, email.body, str(email.payload)]
    assert not any(has_unstorable(text) for text in stored)
    assert "here\tis" in email.body and "Paula," in email.body
    assert "offer" in lead.title
