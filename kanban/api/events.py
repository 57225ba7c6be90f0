"""The lead event outbox as JSON: what changed, in order, after the last event a reader saw."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from kanban.api import bp
from kanban.api.helpers import MAX_ID, whole_number
from kanban.errors import ValidationError
from kanban.services import outbox


@bp.get("/events")
def events():
    errors = {}
    after = whole_number(request.args.get("after", "0"), 0, MAX_ID)
    if after is None:
        errors["after"] = _("Must be a whole number from 0 to %(max)d.", max=MAX_ID)
    limit = whole_number(request.args.get("limit", str(outbox.MAX_READ)), 1, outbox.MAX_READ)
    if limit is None:
        errors["limit"] = _("Must be a whole number from 1 to %(max)d.", max=outbox.MAX_READ)
    if errors:
        raise ValidationError(_("Some parameters are not valid."), fields=errors)
    found = outbox.events_after(after, limit=limit)
    newest = outbox.last_event_id()
    return jsonify({
        "events": [outbox.event_json(event) for event in found],
        # A reader ahead of the newest event (a database restored from a backup, a typo)
        # reads on from the newest: it would otherwise miss every event until ids catch up.
        "last_id": found[-1].id if found else min(after, newest),
        "newest_id": newest,
    })

