"""Today's agenda, the home page: proposals first, then the follow-ups due today."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from kanban.errors import ServiceError, ValidationError
from kanban.extensions import db
from kanban.links import url_template
from kanban.models import User
from kanban.models.base import today
from kanban.services.agenda import EVERYONE, Agenda, AgendaFilter, load_agenda
from kanban.services.users import active_users
from kanban.templating import slot
from kanban.web import bp
from kanban.web.agenda_rows import AgendaRowMaker
from kanban.web.touches import follow_up_options


@bp.get("/")
def home():
    return redirect(url_for("web.agenda"))


@bp.get("/agenda")
def agenda():
    try:
        filters = AgendaFilter.from_args(request.args, current_user)
    except ValidationError as exc:
        return render_agenda(None, errors=exc.fields), 400
    return render_agenda(filters)


def render_agenda(
    filters: AgendaFilter | None,
    *,
    errors: dict[str, str] | None = None,
    failed: dict[str, Any] | None = None,
    loaded: Agenda | None = None,
) -> str:
    """Render the agenda; ``failed`` reopens one lead's touch form with what was typed."""
    day = today()
    data = loaded or (load_agenda(filters, day) if filters is not None else None)
    args = filters.to_args(current_user) if filters is not None else {}
    here = url_for("web.agenda", **args)
    urls = lead_urls()
    return render_template(
        "web/agenda.html",
        page="agenda",
        agenda=data,
        filters=filters,
        filter_errors=errors or {},
        args=args,
        here=here,
        page_address=here,  # a touch refused on the agenda is shown on it
        everyone=EVERYONE,
        owners=_owners_to_choose(filters),
        notices=slot("agenda_notices", user=current_user),
        sections=(slot("agenda_sections", user=current_user, owner_id=filters.owner_id)
                  if filters is not None else []),
        follow_up_options=follow_up_options(day),
        failed=failed or {},
        lead_urls=urls,
        agenda_rows=AgendaRowMaker(here, data.day if data else day,
                                   filters is not None and filters.owner_id is None, urls),
    )


def _owners_to_choose(filters: AgendaFilter | None) -> list[User]:
    """The team to choose whose agenda, and the person chosen even if they have left: their
    leads still wait for someone to hand them over."""
    people = active_users()
    chosen = filters.owner_id if filters is not None else None
    if chosen is not None and all(person.id != chosen for person in people):
        left = db.session.get(User, chosen)
        if left is not None:
            people.append(left)
    return people


def lead_urls() -> dict[str, Callable[[int], str]]:
    """Addresses of a row's links and forms, built once per page."""
    return {
        "show": url_template("web.show_lead", "lead_id"),
        "add_note": url_template("web.add_note", "lead_id"),
        "star": url_template("web.star_lead", "lead_id"),
        "take": url_template("web.take_lead", "lead_id"),
    }


def render_agenda_again(lead_id: int, exc: ServiceError, posted: dict[str, str], back: str):
    """Show the agenda again with one lead's touch form open, its input and errors kept.

    Returns None when the lead is no longer on the agenda.
    """
    try:
        filters = AgendaFilter.from_args(dict(parse_qsl(urlsplit(back).query)), current_user)
    except ValidationError:
        filters = AgendaFilter.from_args({}, current_user)
    failed = {
        "lead_id": lead_id,
        "message": exc.message,
        "fields": exc.fields,
        "values": {**posted, "kind": request.form.get("kind", ""),
                   "body": request.form.get("body", "")},
    }
    day = today()
    shown = load_agenda(filters, day)
    if lead_id not in {e.lead.id for e in shown.proposals.entries + shown.unassigned.entries
                      + shown.follow_ups.entries}:
        return None  # the lead left the agenda meanwhile: its own page shows the form
    return render_agenda(filters, failed=failed, loaded=shown), exc.status
