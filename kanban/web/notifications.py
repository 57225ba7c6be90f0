"""The bell: what a person was told, their choices on the profile, their calendar."""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from kanban.auth.access import public
from kanban.extensions import db
from kanban.i18n import in_language_of
from kanban.models import Lead
from kanban.notify import store
from kanban.notify.calendar import (
    follow_up_feed,
    lead_calendar,
    renew_calendar_token,
    user_of_calendar,
)
from kanban.notify.links import at_public_url, public_url
from kanban.services import leads as lead_service
from kanban.templating import bell_count
from kanban.web import bp

ICS = "text/calendar; charset=utf-8"


@bp.get("/notifications")
def notifications():
    shown = store.latest(current_user)
    return render_template("web/notifications.html", page="notifications",
                           notifications=shown, text_of=store.text_of,
                           unread=sum(1 for item in shown if not item.is_read))


@bp.get("/notifications/unread")
def unread_count():
    """Return the bell's unread count as the bell writes it, for an open page to refresh it."""
    unread = store.unread_count(current_user)
    response = jsonify({"unread": unread, "shown": bell_count(unread),
                        "words": ngettext("unread", "unread", unread)})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/notifications/<int:notification_id>/open")
def open_notification(notification_id: int):
    """Mark one read and go where it points: its lead, else back to the list."""
    opened = store.mark_read(current_user, notification_id)
    if opened is None:
        abort(404)
    if opened.lead_id is not None and db.session.get(Lead, opened.lead_id):
        return redirect(url_for("web.show_lead", lead_id=opened.lead_id), 303)
    return redirect(url_for("web.notifications"), 303)


@bp.post("/notifications/read")
def read_all_notifications():
    store.mark_read(current_user)
    flash(_("Every notification is marked as read."), "success")
    return redirect(url_for("web.notifications"), 303)


@bp.post("/profile/notifications")
def save_notification_choices():
    store.save_preferences(current_user, request.form)
    flash(_("Your notification choices are saved."), "success")
    return redirect(url_for("auth.profile") + "#notifications", 303)


@bp.post("/profile/calendar")
def renew_calendar():
    """Make a new secret calendar address (the first one, or one replacing a shared one)."""
    had_one = current_user.calendar_token is not None
    renew_calendar_token(current_user)
    flash(_("Your calendar has a new address: the old one no longer works. Subscribe again "
            "with the new one.") if had_one else
          _("Your calendar address is ready: add it to your phone's calendar."), "success")
    return redirect(url_for("auth.profile") + "#calendar", 303)


@bp.get("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    """A person's follow-ups for their calendar app: no login, the secret is the key."""
    owner = user_of_calendar(token)
    if owner is None:
        abort(404)
    with at_public_url(public_url()), in_language_of(owner):
        body = follow_up_feed(owner)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/leads/<int:lead_id>/next-action.ics")
def lead_next_action_ics(lead_id: int):
    lead = lead_service.get_lead(lead_id)
    if not lead.is_open or lead.next_action_date is None:
        abort(404)
    response = Response(lead_calendar(lead), mimetype="text/calendar")
    response.headers["Content-Type"] = ICS
    response.headers["Content-Disposition"] = f'attachment; filename="lead-{lead.id}.ics"'
    return response
