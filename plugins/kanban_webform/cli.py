"""``kanban webform``: the forms and what they brought, from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from kanban.extensions import db
from kanban_webform.models import Submission, SubmissionStatus, WebForm

webform = AppGroup("webform", help="The hosted web forms.")


@webform.command("list")
def list_forms() -> None:
    """List every form: its address, whether it is on, and what its submissions became."""
    counts = {
        form_id: (leads, added, spam)
        for form_id, leads, added, spam in db.session.execute(
            select(
                Submission.form_id,
                func.sum(case((Submission.status == SubmissionStatus.LEAD, 1), else_=0)),
                func.sum(case((Submission.status == SubmissionStatus.DUPLICATE, 1), else_=0)),
                func.sum(case((Submission.status == SubmissionStatus.SPAM, 1), else_=0)),
            ).group_by(Submission.form_id)
        )
    }
    forms = db.session.scalars(select(WebForm).order_by(WebForm.name, WebForm.id)).all()
    if not forms:
        click.echo(_("No web form yet: an admin or a manager creates one under Web forms."))
        return
    for form in forms:
        leads, added, spam = counts.get(form.id, (0, 0, 0))
        click.echo(_("/f/%(slug)s  %(name)s  (%(state)s, %(language)s)  new leads: %(leads)d, "
                     "added to leads: %(added)d, spam: %(spam)d", slug=form.slug,
                     name=form.name, state=_("on") if form.enabled else _("off"),
                     language=form.language or _("team language"), leads=leads or 0,
                     added=added or 0, spam=spam or 0))
