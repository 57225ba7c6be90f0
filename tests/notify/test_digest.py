"""The morning digest: the day as the method orders it, once per person per day."""

from __future__ import annotations

from datetime import date, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import DigestSent
from kanban.notify.digest import send_digests
from tests.factories import LeadFactory, UserFactory

TODAY = date.today()


@pytest.fixture
def mail(app, inbox):
    box, url = inbox
    app.config.update(SMTP_URL=url, PUBLIC_URL="https://crm.example.com")
    return box


@pytest.fixture
def day_of_ana(pipeline):
    """Ana's day: a proposal, one overdue follow-up, one due today, one lead nobody owns,
    one in standby (not in the digest)."""
    stages = {stage.name: stage for stage in pipeline.stages}
    ana = UserFactory(name="Ana", email="ana@team.internal")
    LeadFactory(title="Quote for Acme", stage=stages["Proposal"], owner=ana,
                next_action_date=TODAY + timedelta(days=3), next_action_kind="standby")
    LeadFactory(title="Call Beta back", stage=stages["New"], owner=ana,
                next_action_date=TODAY - timedelta(days=2))
    LeadFactory(title="Meet Gamma", stage=stages["Contacted"], owner=ana,
                next_action_date=TODAY)
    LeadFactory(title="Visitor from the site", stage=stages["New"], owner=None)
    LeadFactory(title="Later", stage=stages["New"], owner=ana,
                next_action_date=TODAY + timedelta(days=9), next_action_kind="standby")
    return ana


def test_the_digest_lists_the_day_in_the_methods_order(app, mail, day_of_ana):
    assert send_digests().sent == 1
    [message] = mail.to("ana@team.internal")
    assert message["Subject"] == "Your day: proposals 1, follow-ups 2, new leads waiting 1"
    text = message.get_body(("plain",)).get_content()
    order = ["Quote for Acme", "Overdue:", "Call Beta back", "Meet Gamma",
             "Visitor from the site"]
    assert [text.index(words) for words in order] == sorted(text.index(w) for w in order)
    assert "Later" not in text
    assert "https://crm.example.com/agenda" in text


def test_overdue_follow_ups_are_in_red_in_the_html(app, mail, day_of_ana):
    send_digests()
    html = mail.messages[0].get_body(("html",)).get_content()
    overdue_line = html.split("Call Beta back")[0].rsplit("<li", 1)[1]
    assert "color: #b42318" in overdue_line
    assert "color: #b42318" not in html.split("Meet Gamma")[0].rsplit("<li", 1)[1]


def test_a_second_run_the_same_day_sends_nothing(app, mail, day_of_ana):
    assert send_digests().sent == 1
    again = send_digests()
    assert (again.sent, again.already) == (0, 1)
    assert len(mail.messages) == 1


def test_the_next_day_sends_again(app, mail, day_of_ana):
    send_digests(TODAY)
    assert send_digests(TODAY + timedelta(days=1)).sent == 1


def test_a_failed_send_is_tried_again_by_the_next_run(app, mail, day_of_ana):
    mail.answer = "451 later"
    assert send_digests().failed == 1
    assert db.session.scalar(select(func.count()).select_from(DigestSent)) == 0
    mail.answer = "250 OK"
    assert send_digests().sent == 1


def test_a_digest_tried_again_keeps_its_message_id_and_has_a_date(app, mail, day_of_ana):
    mail.answer = "451 later"
    send_digests()
    mail.answer = "250 OK"
    send_digests()
    [refused], [sent] = mail.refused, mail.messages
    assert sent["Message-ID"] == refused["Message-ID"]
    assert sent["Message-ID"].endswith("@localhost>")  # the domain of the default sender
    assert parsedate_to_datetime(sent["Date"]).utcoffset() is not None


def test_the_next_days_digest_has_a_new_message_id(app, mail, day_of_ana):
    send_digests(TODAY)
    send_digests(TODAY + timedelta(days=1))
    first, second = mail.messages
    assert first["Message-ID"] != second["Message-ID"]


def test_the_digest_speaks_the_persons_language(app, mail, day_of_ana):
    day_of_ana.locale = "es"
    db.session.commit()
    send_digests()
    text = mail.messages[0].get_body(("plain",)).get_content()
    assert "Buenos días, Ana." in text
    assert "Propuestas en curso" in text


def test_a_russian_days_sentence_ends_in_one_full_stop_in_both_parts(app, mail, day_of_ana):
    day_of_ana.locale = "ru"
    db.session.commit()
    send_digests()
    message = mail.messages[0]
    for part in ("plain", "html"):
        text = message.get_body((part,)).get_content()
        assert "г.." not in text and "г." in text


def test_nobody_who_turned_it_off_gets_it(app, mail, day_of_ana):
    day_of_ana.notification_settings = {"digest": False}
    db.session.commit()
    assert send_digests().sent == 0


def test_a_day_with_nothing_to_say_sends_nothing(app, mail, pipeline):
    UserFactory()
    result = send_digests()
    assert (result.sent, result.empty) == (0, 1)


def test_the_command_reports_what_it_did(app, mail, day_of_ana, runner):
    first = runner.invoke(args=["notify", "digest"])
    assert first.exit_code == 0, first.output
    assert "1 digest(s) sent" in first.output
    second = runner.invoke(args=["notify", "digest"])
    assert "0 digest(s) sent, 1 already sent today" in second.output


MONDAY = date(2026, 12, 7)


@pytest.fixture
def late_proposal(pipeline):
    """Ana's proposal, to have been followed up on 30 November; her day is 7 December."""
    proposal = next(stage for stage in pipeline.stages if stage.name == "Proposal")
    ana = UserFactory(name="Ana", email="ana@team.internal")
    LeadFactory(title="Quote for Acme", stage=proposal, owner=ana,
                next_action_date=date(2026, 11, 30))
    LeadFactory(title="Quote for Beta", stage=proposal, owner=ana,
                next_action_date=date(2026, 12, 10))
    return ana


def line_of(text: str, title: str) -> str:
    return text.split(title, 1)[1].split("\n", 1)[0]


def test_an_overdue_proposal_says_since_when_in_both_parts(app, mail, late_proposal):
    send_digests(MONDAY)
    [message] = mail.messages
    text = message.get_body(("plain",)).get_content()
    assert "Overdue since Nov 30, 2026" in line_of(text, "Quote for Acme")
    assert "To do by Dec 10, 2026" in line_of(text, "Quote for Beta")
    html = message.get_body(("html",)).get_content()
    acme_item = html.split("Quote for Acme")[0].rsplit("<li", 1)[1]
    assert "color: #b42318" in acme_item
    assert "Overdue since Nov 30, 2026" in line_of(html, "Quote for Acme")
    assert "color: #b42318" not in html.split("Quote for Beta")[0].rsplit("<li", 1)[1]


def test_the_follow_ups_say_when_they_are_due(app, mail, day_of_ana):
    send_digests()
    text = mail.messages[0].get_body(("plain",)).get_content()
    assert "Overdue since" in line_of(text, "Call Beta back")
    assert "To do today" in line_of(text, "Meet Gamma")
    html = mail.messages[0].get_body(("html",)).get_content()
    assert "To do today" in line_of(html, "Meet Gamma")


def test_the_dates_are_in_the_readers_language(app, mail, late_proposal):
    late_proposal.locale = "ru"
    db.session.commit()
    send_digests(MONDAY)
    text = mail.messages[0].get_body(("plain",)).get_content()
    assert "Просрочено с 30 нояб. 2026\u202fг." in line_of(text, "Quote for Acme")
