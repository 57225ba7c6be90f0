"""``kanban webform list``: the forms and what their submissions became."""

from __future__ import annotations

from kanban_webform.models import Submission

from kanban.extensions import db
from tests.webform.factories import WebFormFactory


def test_the_list_names_each_form_and_counts_what_it_brought(app, runner):
    form = WebFormFactory(name="Contact us", slug="contact")
    WebFormFactory(name="Old fair", slug="fair-2025", enabled=False)
    db.session.add_all([Submission(form_id=form.id, status=status, values={})
                        for status in ("lead", "lead", "duplicate", "spam")])
    db.session.commit()

    result = runner.invoke(args=["webform", "list"])

    assert result.exit_code == 0, result.output
    assert "/f/contact  Contact us  (on, team language)  new leads: 2, added to leads: 1, " \
           "spam: 1" in result.output
    assert "/f/fair-2025  Old fair  (off," in result.output


def test_with_no_form_the_list_says_who_makes_one(app, runner):
    result = runner.invoke(args=["webform", "list"])
    assert result.exit_code == 0 and "No web form yet" in result.output
