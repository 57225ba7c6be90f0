"""The web forms' line on the agenda: submissions held as spam that wait for a look."""

from __future__ import annotations

from flask import url_for
from flask_babel import ngettext
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import User
from kanban.ui import Notice
from kanban_webform.models import Submission, SubmissionStatus


def spam_notice(user: User) -> list[Notice]:
    """Tell the people who manage forms how many submissions are held as spam."""
    if not getattr(user, "is_manager", False):
        return []
    held = db.session.scalar(
        select(func.count(Submission.id)).where(Submission.status == SubmissionStatus.SPAM)
    )
    if not held:
        return []
    text = ngettext(
        "%(num)d web-form submission is held as spam: check that no real client is in it.",
        "%(num)d web-form submissions are held as spam: check that no real client is in them.",
        held,
    )
    return [Notice(text, url_for("webform_admin.spam"), tone="warning")]
