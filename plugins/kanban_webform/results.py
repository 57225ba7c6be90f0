"""The web forms' chart on the results page: what each form brought in a period."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from kanban.extensions import db
from kanban.models.base import start_of
from kanban.ui import Bar, Chart
from kanban_webform.models import Submission, SubmissionStatus, WebForm


def submissions_chart(start: date, end: date) -> Chart:
    """Return, per form, the submissions kept (as leads or notes) and held as spam."""
    is_spam = Submission.status == SubmissionStatus.SPAM
    rows = db.session.execute(
        select(WebForm.name, func.count(case((~is_spam, Submission.id))),
               func.count(case((is_spam, Submission.id))))
        .join(Submission, Submission.form_id == WebForm.id)
        .where(Submission.created_at >= start_of(start), Submission.created_at < start_of(end))
        .group_by(WebForm.id, WebForm.name)
        .order_by(WebForm.name, WebForm.id)
    ).all()
    bars = []
    for name, kept, spam in rows:
        bars.append(Bar(_("%(form)s: kept", form=name), kept, str(kept)))
        bars.append(Bar(_("%(form)s: held as spam", form=name), spam, str(spam)))
    return Chart(
        _("Web-form submissions"),
        bars,
        note=_("Kept: submissions that became a lead or a note on an existing lead. "
               "Held as spam: kept for review under Web forms."),
    )
