"""What the lead page and the board show of a lead's emails."""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.ui import Badge
from kanban_email_bcc.bounces import bounces_of
from kanban_email_bcc.models import MailMessage

PANEL_SIZE = 5


def activities_of(messages: Sequence[MailMessage]) -> dict[int, Activity]:
    """Return the timeline entries of the messages, by id, in one query."""
    ids = [m.activity_id for m in messages if m.activity_id]
    if not ids:
        return {}
    return {a.id: a for a in db.session.scalars(select(Activity).where(Activity.id.in_(ids)))}


def lead_panel(lead: Lead) -> Markup | None:
    """Render the lead's latest emails (and whether its contact's address bounces), or
    nothing when there is neither."""
    stored = select(MailMessage).where(MailMessage.lead_id == lead.id,
                                       MailMessage.status == "stored")
    count = db.session.scalar(select(func.count()).select_from(stored.subquery()))
    bounce = bounces_of([lead]).get(lead.id)
    if not count and bounce is None:
        return None
    messages = db.session.scalars(
        stored.order_by(MailMessage.sent_at.desc(), MailMessage.id.desc()).limit(PANEL_SIZE)
    ).all()
    return Markup(render_template("email_bcc/lead_panel.html", lead=lead, messages=messages,
                                  activities=activities_of(messages), count=count,
                                  bounce=bounce))


def email_badges(leads: Sequence[Lead]) -> dict[int, list[Badge]]:
    """Count every visible lead's emails with one query."""
    ids = [lead.id for lead in leads]
    if not ids:
        return {}
    rows = db.session.execute(
        select(MailMessage.lead_id, func.count())
        .where(MailMessage.lead_id.in_(ids), MailMessage.status == "stored")
        .group_by(MailMessage.lead_id)
    ).all()
    badges: dict[int, list[Badge]] = {
        lead_id: [Badge(f"✉ {count}", title=ngettext("%(num)d email", "%(num)d emails", count),
                        tone="info")]
        for lead_id, count in rows
    }
    for lead_id, flag in bounces_of(leads).items():
        badges.setdefault(lead_id, []).append(Badge(
            _("bounces"), tone="danger",
            title=_("Mail to %(address)s bounced: %(reason)s", address=flag.address,
                    reason=flag.reason or "?")))
    return badges
