"""The web forms' chart on the results page: per form, submissions kept and held as spam."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from kanban_webform.models import Submission
from kanban_webform.results import submissions_chart

from kanban.extensions import db
from tests.webform.factories import WebFormFactory


def submit(form, status: str, when: datetime) -> None:
    db.session.add(Submission(form_id=form.id, status=status, created_at=when))
    db.session.commit()


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def test_chart_counts_kept_and_spam_submissions_per_form_in_the_period(app):
    contact, quote = WebFormFactory(name="Contact"), WebFormFactory(name="Quote")
    WebFormFactory(name="Unused")
    for status, when in [("lead", at(11, 1, 0, 0)), ("duplicate", at(11, 30, 23, 59)),
                         ("spam", at(11, 15)), ("lead", at(12, 1, 0, 0)),
                         ("spam", at(10, 31, 23, 59))]:
        submit(contact, status, when)
    submit(quote, "spam", at(11, 2))

    chart = submissions_chart(date(2026, 11, 1), date(2026, 12, 1))

    assert chart.title == "Web-form submissions"
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        ("Contact: kept", 2), ("Contact: held as spam", 1),
        ("Quote: kept", 0), ("Quote: held as spam", 1),
    ]


def test_chart_is_empty_when_no_form_was_sent(app):
    WebFormFactory(name="Contact")

    assert submissions_chart(date(2026, 11, 1), date(2026, 12, 1)).bars == []


def test_results_page_shows_the_web_form_chart(member_client, pipeline):
    submit(WebFormFactory(name="Contact <b>"), "lead", at(11, 3))

    text = member_client.get("/results?period=custom&from=2026-11-01&to=2026-11-30").text

    assert "<h2>Web-form submissions</h2>" in text
    assert re.search(r"<th scope=\"row\">Contact &lt;b&gt;: kept</th><td[^>]*>1</td>", text)
