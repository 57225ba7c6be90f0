"""A form sent after the session ended, in a real Chromium: the login page shows what was
typed, and once logged in it is back in its form, on the page it was typed on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kanban.extensions import db
from kanban.models import Activity
from kanban.models.base import today
from tests.factories import PASSWORD, LeadFactory, UserFactory
from tests.live import on_path

LONG_NOTE = ("Позвонил Ирине. Сравнивают нас с двумя поставщиками; решение после планёрки.\n"
             "Просили скидку за годовой договор и отсрочку платежа на месяц.\n" * 12).strip()


@pytest.fixture
def phone(chromium, live_server):
    """A phone-sized page whose browser speaks Russian."""
    context = chromium.new_context(base_url=live_server.url, locale="ru-RU",
                                   viewport={"width": 375, "height": 740})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def member(seller):
    seller.locale = "ru"
    db.session.commit()
    return seller


@pytest.fixture
def deal(member, sales):
    return LeadFactory(title="Printer fleet", owner=member, stage=sales.stages[0])


def log_in(page, email: str) -> None:
    """Fill the login form in whatever language it speaks, and send it."""
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()


def open_lead(page, member, lead) -> None:
    page.goto("/login")
    log_in(page, member.email)
    page.wait_for_url(on_path("/agenda"))
    page.goto(f"/leads/{lead.id}")


def note_box(page):
    return page.locator("#log-touch textarea[name=body]")


def kept_form(page) -> str | None:
    return page.evaluate("() => sessionStorage.getItem('kanban.unsent-form')")


def test_a_note_sent_after_the_session_ended_is_back_in_its_box_after_logging_in(
        phone, member, deal):
    open_lead(phone, member, deal)
    note_box(phone).fill(LONG_NOTE)
    phone.context.clear_cookies()  # the session ends while the person types
    phone.locator("#log-touch").get_by_role("button", name="Сохранить").click()

    phone.wait_for_url(on_path("/login"))
    expect(phone.locator(".flash")).to_contain_text("Сеанс завершился")
    typed = phone.locator(".unsent .typed")
    expect(typed).to_be_visible()
    expect(typed).to_contain_text("Просили скидку за годовой договор")
    log_in(phone, member.email)

    phone.wait_for_url(on_path(f"/leads/{deal.id}"))
    expect(note_box(phone)).to_have_value(LONG_NOTE)
    expect(note_box(phone)).to_be_focused()
    assert kept_form(phone) is None  # back in its box, and nowhere else


def test_the_note_put_back_is_sent_with_the_new_session(phone, member, deal):
    open_lead(phone, member, deal)
    note_box(phone).fill("Called; they sign on Monday.")
    phone.locator("#log-touch input[name=kind][value=note]").check()
    phone.locator("#log-touch input[name=follow_up][value=keep]").check()
    phone.context.clear_cookies()
    phone.locator("#log-touch").get_by_role("button", name="Сохранить").click()
    phone.wait_for_url(on_path("/login"))
    log_in(phone, member.email)
    phone.wait_for_url(on_path(f"/leads/{deal.id}"))

    phone.locator("#log-touch").get_by_role("button", name="Сохранить").click()

    expect(phone.locator(".flash-success")).to_be_visible()
    db.session.expire_all()
    note = db.session.query(Activity).filter_by(lead_id=deal.id, kind="note").one()
    assert note.body == "Called; they sign on Monday."


def test_a_saved_note_is_not_brought_back_by_a_later_refused_form(phone, member, deal):
    open_lead(phone, member, deal)
    note_box(phone).fill("Sent the price list.")
    phone.locator("#log-touch input[name=follow_up][value=tomorrow]").check()
    phone.locator("#log-touch").get_by_role("button", name="Сохранить").click()
    expect(phone.locator(".flash-success")).to_be_visible()
    phone.context.clear_cookies()
    phone.locator(".lead-marks .star-form button").click()  # nothing typed in this one

    phone.wait_for_url(on_path("/login"))
    expect(phone.locator(".unsent[data-refused]")).to_have_count(1)
    expect(phone.locator(".unsent")).to_be_hidden()
    log_in(phone, member.email)

    phone.wait_for_url(on_path(f"/leads/{deal.id}"))
    expect(note_box(phone)).to_have_value("")


def test_a_touch_opened_on_the_agenda_comes_back_open_with_its_text(phone, member, sales):
    due = LeadFactory(title="Tidy Tea", owner=member, stage=sales.stages[0],
                      next_action_kind="todo", next_action_date=today())
    phone.goto("/login")
    log_in(phone, member.email)
    phone.wait_for_url(on_path("/agenda"))
    row = phone.locator(f"li.agenda-item#lead-{due.id}")
    row.locator("a.log-touch").click()
    row.locator("textarea[name=body]").fill("Left a voicemail.")
    phone.context.clear_cookies()
    row.get_by_role("button", name="Сохранить и продолжить").click()

    phone.wait_for_url(on_path("/login"))
    log_in(phone, member.email)

    phone.wait_for_url(on_path("/agenda"))
    expect(row.locator("textarea[name=body]")).to_have_value("Left a voicemail.")


def test_a_password_typed_before_the_session_ended_is_neither_shown_nor_kept(phone, sales):
    admin = UserFactory(role="admin", locale="ru", email="olga@example.com")
    phone.goto("/login")
    log_in(phone, admin.email)
    phone.wait_for_url(on_path("/agenda"))
    phone.goto("/admin/team")
    phone.locator("#email").fill("vera@example.com")
    phone.locator("#name").fill("Vera Novak")
    phone.locator("#password").fill("Pelmen-2026")
    phone.context.clear_cookies()
    phone.locator("form:has(#password) button[type=submit]").click()

    phone.wait_for_url(on_path("/login"))
    expect(phone.locator(".unsent .typed")).to_contain_text("Vera Novak")
    assert "Pelmen" not in phone.content()
    assert "Pelmen" not in kept_form(phone)
    log_in(phone, admin.email)

    phone.wait_for_url(on_path("/admin/team"))
    expect(phone.locator("#name")).to_have_value("Vera Novak")
    expect(phone.locator("#password")).to_have_value("")
