"""Today's agenda in a real Chromium: logging a touch in place, the follow-up picker,
stars, and the same work done without JavaScript."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.models.base import today
from kanban.services.followup import next_week
from tests import live
from tests.browser.conftest import log_in
from tests.factories import ActivityFactory, LeadFactory

TOUCH_READY = "() => document.body.dataset.touchReady === '1'"


@pytest.fixture
def seller(seller):
    """Rita reads the app in English, so dates read the same whatever the browser says."""
    seller.locale = "en"
    db.session.commit()
    return seller


@pytest.fixture
def late(seller, sales):
    """An overdue follow-up of Rita's, with the note from the last time."""
    lead = LeadFactory(title="Late Lemonade", owner=seller, stage=sales.stages[1], priority=1,
                       next_action_kind="todo", next_action_date=today() - timedelta(days=3))
    ActivityFactory(lead=lead, kind="note", body="Sent the brochure.", author=seller)
    return lead


@pytest.fixture
def due_today(seller, sales):
    """A follow-up due today, listed after the overdue one (a lower priority)."""
    return LeadFactory(title="Tidy Tea", owner=seller, stage=sales.stages[0], priority=3,
                       next_action_kind="todo", next_action_date=today())


def log_in_to_agenda(page, email: str) -> None:
    """Log in through the real login form and land on the agenda, its script ready."""
    log_in(page, email, open_board=False)
    page.wait_for_function(TOUCH_READY)


def row(page, lead: Lead):
    return page.locator(f"li.agenda-item#lead-{lead.id}")


def open_touch_form(page, lead: Lead):
    """Click "Log a touch" on the lead's row; return the form opened inside the row."""
    item = row(page, lead)
    item.locator("a.log-touch").click()
    form = item.locator("form.touch-form")
    expect(form).to_be_visible()
    return form


def fresh(lead: Lead) -> Lead:
    """The lead as the server left it."""
    db.session.expire_all()
    return db.session.get(Lead, lead.id)


def touches(lead: Lead, kind: str) -> list[Activity]:
    db.session.expire_all()
    return list(db.session.query(Activity).filter_by(lead_id=lead.id, kind=kind))


def looks_like(day: date) -> re.Pattern:
    """The day as the page writes it in English ("Mar 5, 2026", "Thu, Mar 5, 2026"),
    matched loosely: month abbreviation, day number, year."""
    return re.compile(rf"{day:%b}\w* {day.day}\b.*{day.year}")


def test_a_call_logged_from_the_agenda_puts_the_lead_in_standby_until_tomorrow(
    page, seller, late, due_today
):
    log_in_to_agenda(page, seller.email)
    item = row(page, late)
    expect(item).to_have_class(re.compile(r"\bis-overdue\b"))

    form = open_touch_form(page, late)
    form.get_by_role("radio", name="Call", exact=True).check()
    form.get_by_label("What happened").fill("Spoke to Sam: wants the quote with delivery.")
    form.get_by_label("Tomorrow").check()
    form.get_by_role("button", name="Save and go on").click()

    tomorrow = today() + timedelta(days=1)
    flash = page.locator(".flash")
    expect(flash).to_contain_text("Saved. Late Lemonade comes back on")
    expect(flash).to_contain_text(looks_like(tomorrow))
    expect(flash).to_be_in_viewport()  # though the page opens at the next line
    assert re.search(r"/agenda(#lead-\d+)?$", page.url)
    expect(item).to_have_count(0)
    expect(row(page, due_today)).to_be_visible()
    lead = fresh(late)
    assert (lead.next_action_kind, lead.next_action_date) == ("standby", tomorrow)
    assert [call.body for call in touches(late, "call")] == [
        "Spoke to Sam: wants the quote with delivery."
    ]
    assert touches(late, "call")[0].author_id == seller.id


def test_the_next_step_stays_what_it_was_unless_rewritten(page, seller, late):
    late.next_action_text = "Send the quote"
    db.session.commit()
    log_in_to_agenda(page, seller.email)
    form = open_touch_form(page, late)
    expect(form.get_by_label("Next step (optional)")).to_have_value("Send the quote")

    form.get_by_label("What happened").fill("Voicemail again.")
    form.get_by_label("Tomorrow").check()
    form.get_by_role("button", name="Save and go on").click()

    expect(page.locator(".flash")).to_contain_text("Saved.")
    assert fresh(late).next_action_text == "Send the quote"


def test_each_row_shows_the_last_note(page, seller, late, due_today):
    log_in_to_agenda(page, seller.email)

    expect(row(page, late).locator(".last-note-text")).to_have_text("Sent the brochure.")
    expect(row(page, late).locator(".last-note-meta")).to_contain_text("Note · Rita Seller")
    expect(row(page, due_today).locator(".last-note")).to_have_text("No note yet.")


def test_a_number_cleared_to_zero_leaves_no_stale_suggestion(page, seller, late):
    log_in_to_agenda(page, seller.email)
    form = open_touch_form(page, late)
    suggestion = form.locator("output.asked-suggestion")
    form.get_by_label("How many").press_sequentially("6")
    expect(suggestion).to_contain_text("We suggest")

    form.get_by_label("How many").fill("0")

    expect(suggestion).to_have_text("We call back at two thirds of that time, before they buy "
                                    "elsewhere.")


def test_client_asking_for_six_weeks_suggests_and_saves_two_thirds_of_it(page, seller, late):
    log_in_to_agenda(page, seller.email)
    form = open_touch_form(page, late)
    form.get_by_label("What happened").fill("They decide after the trade fair.")
    suggestion = form.locator("output.asked-suggestion")
    expect(suggestion).to_contain_text("two thirds of that time")

    form.get_by_label("How many").press_sequentially("6")

    suggested = today() + timedelta(days=28)
    expect(suggestion).to_contain_text(looks_like(suggested))
    expect(suggestion).to_contain_text("We suggest")
    expect(form.get_by_label("The client asked to be called in")).to_be_checked()
    assert form.get_by_label("Days, weeks or months").input_value() == "weeks"

    form.get_by_role("button", name="Save and go on").click()

    expect(page.locator(".flash")).to_contain_text(looks_like(suggested))
    lead = fresh(late)
    assert (lead.next_action_kind, lead.next_action_date) == ("standby", suggested)


def test_a_call_without_a_follow_up_is_refused_and_the_typed_text_kept(page, seller, late):
    log_in_to_agenda(page, seller.email)
    form = open_touch_form(page, late)
    form.get_by_role("radio", name="Call", exact=True).check()
    form.get_by_label("What happened").fill("Left a voicemail, no answer.")
    form.get_by_label("Next step (optional)").fill("Try the switchboard")

    with page.expect_response(lambda r: r.url.endswith(f"/leads/{late.id}/notes")) as answer:
        form.get_by_role("button", name="Save and go on").click()

    assert answer.value.status == 422
    item = row(page, late)
    expect(item.locator(".follow-up .field-error")).to_have_text("Choose when to follow up next.")
    expect(item.get_by_role("alert")).to_be_focused()  # so the page opens at the problem
    expect(item.get_by_role("alert")).to_be_in_viewport()
    reopened = item.locator("form.touch-form")
    expect(reopened.get_by_label("What happened")).to_have_value("Left a voicemail, no answer.")
    expect(reopened.get_by_role("radio", name="Call", exact=True)).to_be_checked()
    expect(reopened.get_by_label("Next step (optional)")).to_have_value("Try the switchboard")
    expect(reopened.get_by_role("radiogroup")).to_have_attribute("aria-invalid", "true")
    expect(item.locator("a.log-touch")).to_have_count(0)
    assert touches(late, "call") == []
    lead = fresh(late)
    assert (lead.next_action_kind, lead.next_action_date) == (
        "todo", today() - timedelta(days=3)
    )


def test_a_refused_touch_is_saved_once_a_follow_up_is_chosen(page, seller, late):
    log_in_to_agenda(page, seller.email)
    form = open_touch_form(page, late)
    form.get_by_label("What happened").fill("Left a voicemail, no answer.")
    form.get_by_role("button", name="Save and go on").click()
    reopened = row(page, late).locator("form.touch-form")
    expect(reopened.locator(".field-error")).to_have_text("Choose when to follow up next.")

    reopened.get_by_label("Today").check()
    reopened.get_by_role("button", name="Save and go on").click()

    expect(page.locator(".flash")).to_have_text("Saved. Late Lemonade stays on today's list.")
    assert re.search(r"/agenda$", page.url)
    expect(row(page, late).locator(".due")).to_have_text("To do today")
    assert [call.body for call in touches(late, "call")] == ["Left a voicemail, no answer."]
    assert fresh(late).next_action_date == today()


def test_log_a_touch_opened_with_the_keyboard_puts_the_focus_in_what_happened(
    page, seller, late
):
    log_in_to_agenda(page, seller.email)
    link = row(page, late).locator("a.log-touch")
    link.focus()

    page.keyboard.press("Enter")

    body = row(page, late).get_by_label("What happened")
    expect(body).to_be_focused()
    assert body.get_attribute("id") == f"touch-{late.id}-body"
    assert page.locator(f"#touch-{late.id}-body").count() == 1  # the copy has ids of its own


def test_escape_puts_the_touch_form_away_unsaved_and_the_keyboard_back(page, seller, late):
    log_in_to_agenda(page, seller.email)
    link = row(page, late).locator("a.log-touch")
    link.focus()
    page.keyboard.press("Enter")
    page.keyboard.type("Half a thought")

    page.keyboard.press("Escape")

    expect(row(page, late).get_by_label("What happened")).to_have_count(0)
    expect(row(page, late).locator("a.log-touch")).to_be_focused()
    assert touches(late, "call") == []


def test_keeping_the_current_next_action_is_only_for_a_note(page, seller, late):
    log_in_to_agenda(page, seller.email)
    form = open_touch_form(page, late)
    keep = form.get_by_label("Keep the current next action (a note only)")

    expect(form.get_by_role("radio", name="Call", exact=True)).to_be_checked()
    expect(keep).to_be_disabled()
    form.get_by_role("radio", name="Note", exact=True).check()
    expect(keep).to_be_enabled()
    keep.check()
    form.get_by_role("radio", name="Meeting", exact=True).check()
    expect(keep).to_be_disabled()
    expect(keep).not_to_be_checked()


def test_without_javascript_log_a_touch_opens_the_lead_page_and_returns_to_the_agenda(
    chromium, live_server, seller, late, due_today
):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        live.log_in(page, seller.email)

        row(page, late).get_by_role("link", name="Log a touch").click()

        page.wait_for_url(re.compile(rf"/leads/{late.id}\?return_to=.+#log-touch$"))
        form = page.locator("#log-touch form.touch-form")
        form.get_by_role("radio", name="Call", exact=True).check()
        form.get_by_label("What happened").fill("Called: back from holiday next week.")
        form.get_by_label("Next week").check()
        form.get_by_role("button", name="Save").click()

        page.wait_for_url(live.on_path("/agenda"))
        expect(page.locator(".flash")).to_contain_text("Saved. Late Lemonade comes back on")
        expect(row(page, late)).to_have_count(0)
        expect(row(page, due_today)).to_be_visible()
    finally:
        context.close()
    lead = fresh(late)
    assert (lead.next_action_kind, lead.next_action_date) == ("standby", next_week(today()))
    assert [call.body for call in touches(late, "call")] == ["Called: back from holiday next week."]


def test_proposals_come_before_follow_ups_and_overdue_rows_are_red(
    page, seller, sales, late, due_today
):
    proposal = LeadFactory(title="Pending Proposal", owner=seller, stage=sales.stages[2],
                           priority=3, next_action_kind="standby",
                           next_action_date=today() + timedelta(days=9))

    log_in_to_agenda(page, seller.email)

    titles = [t.strip() for t in page.locator("li.agenda-item .agenda-title").all_inner_texts()]
    assert titles == ["Pending Proposal", "Late Lemonade", "Tidy Tea"]
    proposals = page.locator("section.is-proposals")
    expect(proposals.get_by_role("heading")).to_contain_text("1. Proposals in progress")
    expect(proposals.locator(f"#lead-{proposal.id}")).to_be_visible()
    expect(page.locator("section.is-follow-ups").get_by_role("heading")).to_contain_text(
        "3. Follow-ups to do"
    )
    overdue = row(page, late)
    expect(overdue).to_have_class(re.compile(r"\bis-overdue\b"))
    expect(row(page, due_today)).not_to_have_class(re.compile(r"\bis-overdue\b"))
    line = overdue.locator(".due-overdue")
    expect(line).to_contain_text("Overdue since")
    expect(line).to_contain_text(looks_like(today() - timedelta(days=3)))
    red = "rgb(180, 35, 24)"  # --danger in app.css
    assert line.evaluate("el => getComputedStyle(el).color") == red
    assert overdue.evaluate("el => getComputedStyle(el).borderLeftColor") == red
    assert overdue.evaluate("el => getComputedStyle(el).borderLeftWidth") != "0px"
    assert row(page, due_today).evaluate("el => getComputedStyle(el).borderLeftColor") != red


def test_starring_from_the_agenda_marks_the_row_starred(page, seller, late):
    log_in_to_agenda(page, seller.email)
    star = row(page, late).locator("button.star")
    expect(star).to_have_attribute("aria-pressed", "false")

    star.click()

    expect(row(page, late)).to_have_class(re.compile(r"\bis-starred\b"))
    star = row(page, late).locator("button.star")
    expect(star).to_have_attribute("aria-pressed", "true")
    expect(star).to_have_text(re.compile("★"))
    assert fresh(late).starred is True
    assert page.url.endswith(f"/agenda#lead-{late.id}")


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_the_saved_message_leaves_the_next_line_in_sight_below_it(page, seller, sales, width):
    page.set_viewport_size({"width": width, "height": 740})
    rows = [LeadFactory(title=f"Follow-up number {n}", owner=seller, stage=sales.stages[0],
                        priority=2, next_action_kind="todo",
                        next_action_date=today() - timedelta(days=20 - n)) for n in range(8)]
    log_in_to_agenda(page, seller.email)
    form = open_touch_form(page, rows[1])
    form.get_by_label("What happened").fill("Called: all good.")
    form.get_by_label("Next week").check()

    form.get_by_role("button", name="Save and go on").click()

    page.wait_for_url(re.compile(rf"/agenda#lead-{rows[2].id}$"))
    page.wait_for_load_state()
    message = page.locator(".flashes")
    title = row(page, rows[2]).locator(".agenda-title")
    expect(message).to_have_attribute("role", "status")
    expect(message).to_be_in_viewport()
    expect(title).to_be_in_viewport()
    below = message.bounding_box()
    assert below["y"] + below["height"] <= title.bounding_box()["y"]  # not under the message
