"""The list's places outside it: the agenda's call-back section and the results chart."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _

from kanban.extensions import db
from kanban.models.base import start_of, today
from kanban.templating import day as day_text
from kanban.templating import money
from kanban.ui import AgendaItem, AgendaSection, Bar, CalendarItem, Chart
from kanban_prospects.models import ProspectList
from kanban_prospects.progress import call_backs, won_by_list

SHOWN = 20
CALENDAR_MOST = 500  # prospects to call back in one calendar feed, at the most


def call_back_section(owner_id: int | None) -> AgendaSection:
    """Prospects to call back by today: after proposals and follow-ups, since a lead
    already in the pipeline comes before a name on a list."""
    now = today()
    rows, total = call_backs(owner_id, now, SHOWN)
    names = {plist.id: plist.name for plist in db.session.query(ProspectList).filter(
        ProspectList.id.in_({row.list_id for row in rows}))} if rows else {}
    items = [
        AgendaItem(
            text=row.company or row.contact_name or _("Row %(row)d", row=row.position),
            url=url_for("prospects.row", row_id=row.id),
            detail=" · ".join(part for part in (
                row.contact_name if row.company else "", row.phone, names.get(row.list_id, ""),
                _("Call back on %(date)s", date=day_text(row.call_back_on))) if part),
            overdue=row.call_back_on < now,
        )
        for row in rows
    ]
    return AgendaSection(
        key="call-backs", title=_("Prospects to call back"), items=items, total=total,
        hint=_("From your prospect lists: they asked to be called again by today."),
        more_url=url_for("prospects.index"))


def calendar_items(user_id: int, first: date, last: date) -> list[CalendarItem]:
    """A person's prospects to call back between ``first`` and ``last``, for their
    calendar feed."""
    rows, _total = call_backs(user_id, last, CALENDAR_MOST, first=first)
    return [
        CalendarItem(
            uid=f"prospect-row-{row.id}-call-back@kanban",
            summary=_("Call back: %(name)s",
                      name=row.company or row.contact_name or _("Row %(row)d", row=row.position)),
            day=row.call_back_on,
            url=url_for("prospects.row", row_id=row.id, _external=True),
            description="\n".join(part for part in (row.contact_name, row.phone, row.email)
                                   if part),
        )
        for row in rows
    ]


def won_chart(start: date, end: date) -> Chart:
    """Won value by prospect list in the period."""
    bars = [Bar(f"{name} ({currency})", value, money(value, currency))
            for name, currency, value in won_by_list(start_of(start), start_of(end))]
    return Chart(_("Won from prospect lists"), bars,
                 note=_("The value of leads made from each list and won in this period."))
