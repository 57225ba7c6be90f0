"""Mail that could not be filed is told to the teammate who sent it."""

from __future__ import annotations

from flask_babel import force_locale
from kanban_email_bcc import reasons as why
from kanban_email_bcc.ingest import ingest_message
from kanban_email_bcc.notifications import tell_unfiled

from kanban.notify.store import latest, text_of
from tests.email_bcc.conftest import build_mail
from tests.email_bcc.test_authentication import OURS, with_results


def test_quarantined_mail_tells_the_teammate_who_sent_it_to_ask_an_admin(app, address,
                                                                         seller):
    raw = with_results(f"{OURS}; spf=fail smtp.mailfrom=acme.test; dkim=none",
                       to="Nobody Yet <new@prospect.example>")
    assert ingest_message(raw, via="pipe", recipients=[address]).outcome == "quarantined"
    [told] = latest(seller)
    assert told.kind == "email_unfiled"
    assert text_of(told).startswith("The message “Our offer” could not be filed (")
    assert text_of(told).endswith("Ask an admin to look at it in the quarantine.")


def test_mail_of_nobody_known_tells_managers_to_ask_an_admin_and_admins_where_it_is(
        app, admin, manager):
    tell_unfiled(why.NO_SENDER, None, quarantine_id=7)
    assert text_of(latest(manager)[0]) == (
        "A message could not be filed (no sender address could be read, and no lead to put "
        "it on). Ask an admin to look at it in the quarantine.")
    assert text_of(latest(admin)[0]).startswith(
        "A message could not be filed and waits in the quarantine:")


def test_the_notice_to_ask_an_admin_is_written_in_the_readers_language(app, address,
                                                                       seller):
    raw = build_mail(sender="Sam Seller <sam@acme.test>", to="Иван <ivan@acme.test>",
                     subject="КП")
    assert ingest_message(raw, via="pipe", recipients=[address]).outcome == "quarantined"
    [told] = latest(seller)
    with app.test_request_context(), force_locale("ru"):
        assert text_of(told).startswith("Письмо «КП» не удалось разобрать (")
        assert text_of(told).endswith("Попросите администратора посмотреть его в карантине.")


def test_the_notice_names_the_message_by_its_subject_in_the_readers_language(app, address,
                                                                            seller):
    raw = build_mail(sender="Sam Seller <sam@acme.test>", to="Giulia <giulia@acme.test>",
                     subject="Preventivo sedie")
    assert ingest_message(raw, via="pipe", recipients=[address]).outcome == "quarantined"
    [told] = latest(seller)
    with app.test_request_context(), force_locale("it"):
        assert text_of(told).startswith("Il messaggio «Preventivo sedie» non è stato archiviato")


def test_filed_mail_tells_nobody(app, address, seller):
    raw = build_mail(to="Paula <paula@prospect.example>")
    assert ingest_message(raw, via="pipe", recipients=[address]).outcome == "stored"
    assert [item.kind for item in latest(seller)] == []
