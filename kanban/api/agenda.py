"""Today's agenda as JSON: the morning's work for a phone app, a script or a wall screen."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from kanban.api import bp
from kanban.api.serializers import agenda_json
from kanban.models.base import today
from kanban.services.agenda import AgendaFilter, load_agenda


@bp.get("/agenda")
def show_agenda():
    filters = AgendaFilter.from_args(request.args, current_user)
    return jsonify(agenda_json(load_agenda(filters, today())))
