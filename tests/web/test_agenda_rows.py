"""The agenda's rows, written in Python, against the macros they were written from."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from kanban.services.lead_views import load_lead_views
from kanban.web.agenda import lead_urls
from kanban.web.agenda_rows import MARKS_TEMPLATE, AgendaRowMaker
from tests.factories import LeadFactory


def test_the_star_button_reads_as_the_lead_pages_macro(app, pipeline):
    leads = [LeadFactory(stage=pipeline.stages[0], starred=starred, title='<b>"Tom\'s" & co</b>')
             for starred in (True, False)]
    db.session.commit()
    with app.test_request_context("/agenda?owner_id=all"):
        views = load_lead_views(select(Lead).where(Lead.id.in_([lead.id for lead in leads])))
        rows = AgendaRowMaker("/agenda?owner_id=all", date.today(), True, lead_urls())
        macro = current_app.jinja_env.get_template(MARKS_TEMPLATE).module.star_button
        for view in views:
            action = f"/leads/{view.id}/star"
            expected = macro(view, f"/agenda?owner_id=all#lead-{view.id}", action, rows.row_words)
            assert rows.star_button(view, action) == str(expected)
