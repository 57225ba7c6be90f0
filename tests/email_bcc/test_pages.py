"""What people see: the dropbox on the profile, the log, the quarantine, the thread, badges."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from kanban_email_bcc.dropbox import get_dropbox
from kanban_email_bcc.ingest import ingest_message
from sqlalchemy import event

from kanban.extensions import db
from kanban.models import Lead
from kanban.templating import card_badges
from tests.conftest import log_in
from tests.email_bcc.conftest import build_mail
from tests.factories import LeadFactory, UserFactory


@pytest.fixture
def seller_client(app, seller):
    return log_in(app.test_client(), seller)


def test_profile_shows_the_dropbox_address_with_a_copy_button(seller_client, address):
    page = seller_client.get("/profile").get_data(as_text=True)

    assert f'>{address}</textarea>' in page  # shown whole, on as many lines as it needs
    assert 'data-copy-target="email-bcc-address"' in page
    assert "/mail/static/dropbox.js" in page


def test_a_dropbox_under_the_default_domain_says_it_cannot_receive_mail_yet(app, seller,
                                                                             admin):
    app.config.pop("EMAIL_BCC_DOMAIN", None)
    member_page = log_in(app.test_client(), seller).get("/profile").text
    admin_page = log_in(app.test_client(), admin).get("/profile").text
    assert "an admin has to set up the team's mail first." in member_page
    assert "set KANBAN_EMAIL_BCC_DOMAIN to the domain" in admin_page


def test_a_dropbox_under_the_teams_domain_says_nothing_more(seller_client):
    assert "cannot receive mail yet" not in seller_client.get("/profile").text


def test_rotating_the_token_retires_the_old_address(seller_client, seller, address, sales):
    response = seller_client.post("/mail/dropbox/rotate")

    assert response.status_code == 302
    new_token = get_dropbox(seller).token
    assert new_token not in address
    old = ingest_message(build_mail(), via="pipe", recipients=[address])
    new = ingest_message(build_mail(), via="pipe",
                         recipients=[f"dropbox+{new_token}@crm.example.test"])
    assert (old.outcome, new.outcome) == ("rejected", "stored")


def test_rotating_needs_a_csrf_token(app, seller_client, seller, address):
    app.config["WTF_CSRF_ENABLED"] = True

    assert seller_client.post("/mail/dropbox/rotate").status_code == 400
    assert get_dropbox(seller).token in address


def test_a_person_sees_only_their_own_log_entries(app, seller_client, address, sales):
    other = UserFactory(email="olivia@acme.test")
    other_address = f"dropbox+{get_dropbox(other).token}@crm.example.test"
    ingest_message(build_mail(subject="Mine"), via="pipe", recipients=[address])
    ingest_message(build_mail(subject="Theirs"), via="pipe", recipients=[other_address])

    page = seller_client.get("/mail/log").get_data(as_text=True)

    assert "Mine" in page and "Theirs" not in page


def test_an_admin_sees_every_log_entry(app, admin_client, address, sales):
    ingest_message(build_mail(subject="Mine"), via="pipe", recipients=[address])
    ingest_message(build_mail(), via="pipe", recipients=["dropbox+nobody@crm.example.test"])

    page = admin_client.get("/mail/log").get_data(as_text=True)

    assert "Mine" in page and "unknown dropbox (nobody)" in page


def test_a_manager_is_told_only_an_admin_sees_the_quarantine(app, address, manager_client):
    response = manager_client.get("/mail/quarantine", headers={"Accept-Language": "pt"})
    assert response.status_code == 403
    assert "Só um administrador" in response.text and "gestor" not in response.text


def test_quarantine_is_for_admins_only(app, seller_client, admin_client, address):
    ingest_message(b"\r\n\r\n<b>not mail</b>", via="pipe", recipients=[address])

    assert seller_client.get("/mail/quarantine").status_code == 403
    page = admin_client.get("/mail/quarantine").get_data(as_text=True)
    assert "no headers" in page
    raw = admin_client.get("/mail/quarantine/1.eml")
    assert raw.data.endswith(b"<b>not mail</b>") and "attachment" in raw.headers[
        "Content-Disposition"]


def test_the_quarantine_names_each_message_by_its_sender_and_subject(app, admin_client,
                                                                       address):
    ingest_message(build_mail(sender="Анна Смирнова <anna@acme.test>", to="boss@acme.test",
                              subject="Счёт №5 <срочно>"), via="pipe", recipients=[address])

    page = admin_client.get("/mail/quarantine").get_data(as_text=True)

    assert "Анна Смирнова <small>anna@acme.test</small>" in page
    assert "Счёт №5 &lt;срочно&gt;" in page


def test_a_quarantined_message_without_headers_is_named_as_having_no_subject(
        app, admin_client, address):
    ingest_message(b"\r\n\r\n<b>not mail</b>", via="pipe", recipients=[address])

    page = admin_client.get("/mail/quarantine", headers={"Accept-Language": "es"}).text

    assert "(sin asunto)" in page


def test_lead_page_shows_the_email_thread_panel(seller_client, address, sales):
    result = ingest_message(build_mail(subject="Offer <b>bold</b>"), via="pipe",
                            recipients=[address])

    page = seller_client.get(f"/leads/{result.lead_id}").get_data(as_text=True)

    assert "Offer &lt;b&gt;bold&lt;/b&gt;" in page
    assert "paula@prospect.example" in page
    assert f"/mail/leads/{result.lead_id}" in page


def test_the_lead_and_thread_pages_show_what_was_written_above_a_forward(
        seller_client, address, sales):
    body = ("Call her <today>.\n\n---------- Forwarded message ---------\n"
            "From: Olga Client <olga@client.example>\nSubject: Pricing\n\nHow much?\n")
    result = ingest_message(build_mail(to=address, body=body), via="pipe",
                            recipients=[address])

    for url in (f"/leads/{result.lead_id}", f"/mail/leads/{result.lead_id}"):
        page = seller_client.get(url).get_data(as_text=True)
        assert "Written above the forwarded message:" in page
        assert "Call her &lt;today&gt;." in page


def test_thread_page_shows_every_email_with_its_body(seller_client, address, sales):
    first = ingest_message(build_mail(message_id="<t1@acme.test>", body="First <script>"),
                           via="pipe", recipients=[address])
    ingest_message(build_mail(subject="Re: Our offer", body="Second",
                              headers={"In-Reply-To": "<t1@acme.test>"}),
                   via="pipe", recipients=[address])

    page = seller_client.get(f"/mail/leads/{first.lead_id}").get_data(as_text=True)

    assert "First &lt;script&gt;" in page and "Second" in page


def test_attachments_download_and_are_never_rendered(seller_client, address, sales):
    message = EmailMessage()
    message["From"] = "sam@acme.test"
    message["To"] = "paula@prospect.example"
    message["Subject"] = "Page"
    message.set_content("see file")
    message.add_attachment("<script>alert(1)</script>", subtype="html", filename="x.html")
    ingest_message(bytes(message), via="pipe", recipients=[address])

    response = seller_client.get("/mail/attachments/1")

    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_an_attachments_size_is_shown_in_the_readers_units(seller_client, address, sales):
    message = EmailMessage()
    message["From"] = "sam@acme.test"
    message["To"] = "paula@prospect.example"
    message["Subject"] = "Price list"
    message.set_content("attached")
    message.add_attachment(b"%PDF" + b"0" * 24_996, maintype="application", subtype="pdf",
                           filename="prices.pdf")
    result = ingest_message(bytes(message), via="pipe", recipients=[address])

    page = seller_client.get(f"/mail/leads/{result.lead_id}").get_data(as_text=True)

    assert "application/pdf, 25 kB" in page


@pytest.mark.parametrize(("name", "sent_as"), [
    ("Orçamento.pdf", "Or%C3%A7amento.pdf"), ("Счёт №5.pdf", "%D0%A1%D1%87%D1%91%D1%82"),
    ('a"b.txt', "a"),
])
def test_an_attachment_downloads_with_its_name_as_sent(seller_client, address, sales, name,
                                                       sent_as):
    message = EmailMessage()
    message["From"] = "sam@acme.test"
    message["To"] = "paula@prospect.example"
    message["Subject"] = "Quote"
    message.set_content("see file")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename=name)
    ingest_message(bytes(message), via="pipe", recipients=[address])

    disposition = seller_client.get("/mail/attachments/1").headers["Content-Disposition"]

    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{sent_as}" in disposition or f'filename="{sent_as}' in disposition
    assert "?" not in disposition


def test_card_badges_count_emails_with_one_query(app, seller, address, sales):
    with_mail = ingest_message(build_mail(), via="pipe", recipients=[address]).lead_id
    ingest_message(build_mail(subject="Again"), via="pipe", recipients=[address])
    without = LeadFactory(stage=sales.stages[0]).id
    leads = db.session.query(Lead).all()
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        badges = card_badges(leads, seller)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)

    assert [b.text for b in badges[with_mail]] == ["✉ 2"]
    assert without not in badges
    assert len([s for s in statements if "email_bcc_messages" in s]) == 1


def test_navigation_links_to_the_mail_log(seller_client):
    assert 'href="/mail/log"' in seller_client.get("/board").get_data(as_text=True)


def test_the_dropbox_panel_speaks_portuguese_to_a_portuguese_speaker(app, seller, address):
    seller.locale = "pt"
    db.session.commit()

    page = log_in(app.test_client(), seller).get("/profile").get_data(as_text=True)

    assert "A sua caixa de entrada" in page and "Obter um novo endereço" in page


def test_timeline_entry_shows_direction_subject_from_to_and_body(seller_client, address, sales):
    result = ingest_message(build_mail(subject="Terms", body="Net 30 is fine."), via="pipe",
                            recipients=[address])

    page = seller_client.get(f"/leads/{result.lead_id}").get_data(as_text=True)
    entry = page[page.index('class="entry-email"'):]
    entry = entry[:entry.index("</li>")]

    assert "sent: <strong>Terms</strong>" in entry
    assert "From Sam Seller &lt;sam@acme.test&gt;" in entry
    assert "To Paula Prospect &lt;paula@prospect.example&gt;" in entry
    assert "Net 30 is fine." in entry


@pytest.mark.browser
def test_on_a_phone_a_long_message_and_its_addresses_fit_the_screen(page, address, sales):
    from tests.live import log_in as log_in_through_the_form

    colleague = UserFactory(email="rita@example.com")
    long_line = "Preventivo per 40 sedie, consegna a Milano entro marzo; " * 12
    result = ingest_message(
        build_mail(body=long_line + "\n" + "https://example.com/" + "x" * 300,
                   cc=f"{address}, responsabile.acquisti.ristorante.milano@example.com"),
        via="pipe", recipients=[address])
    page.set_viewport_size({"width": 375, "height": 740})
    log_in_through_the_form(page, colleague.email)
    for path in (f"/mail/leads/{result.lead_id}", f"/leads/{result.lead_id}"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path


@pytest.mark.browser
def test_on_a_phone_the_profile_fits_and_a_new_address_is_asked_for_first(page):
    from tests.live import log_in as log_in_through_the_form

    rita = UserFactory(email="rita@example.com")
    token = get_dropbox(rita).token
    page.set_viewport_size({"width": 375, "height": 740})
    log_in_through_the_form(page, rita.email)
    page.goto("/profile")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    rotate = page.get_by_role("button", name="Get a new address")

    page.once("dialog", lambda dialog: dialog.dismiss())
    rotate.click()
    page.wait_for_timeout(300)  # a dismissed question sends nothing
    db.session.expire_all()
    assert get_dropbox(rita).token == token

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        rotate.click()
    db.session.expire_all()
    assert get_dropbox(rita).token != token
