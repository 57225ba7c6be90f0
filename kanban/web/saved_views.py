"""Saved views of the board: save the filters under a name, share, delete."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from kanban.errors import ValidationError
from kanban.form_pages import form_on
from kanban.form_tokens import saved_once
from kanban.services import saved_views as view_service
from kanban.web import bp
from kanban.web.board import board_response


def back_to_board(query: str) -> Response:
    """Send the person back to the board with these filters (kept to the board's own)."""
    try:
        clean = view_service.board_query(dict(parse_qsl(query.lstrip("?"))))
    except ValidationError:
        clean = ""
    return redirect(url_for("web.board") + (f"?{clean}" if clean else ""), 303)


@bp.post("/board/views")
@form_on("web.board")
@saved_once
def save_view():
    query = request.form.get("query", "")
    try:
        view = view_service.save_view(current_user, request.form.get("name"), query,
                                      shared=request.form.get("shared") == "1")
    except ValidationError as exc:
        args = MultiDict(parse_qsl(query.lstrip("?")))
        return board_response(args, view_problem=exc, status=exc.status)
    flash(_("The view %(name)s is saved.", name=view.name), "success")
    return back_to_board(view.query)


@bp.post("/board/views/<int:view_id>/share")
def share_view(view_id: int):
    view = view_service.get_view(view_id, current_user)
    shared = request.form.get("shared") == "1"
    view_service.share_view(view, current_user, shared)
    flash(_("The team now sees the view %(name)s.", name=view.name) if shared
          else _("Only you see the view %(name)s now.", name=view.name), "success")
    return back_to_board(request.form.get("query", ""))


@bp.post("/board/views/<int:view_id>/delete")
def delete_view(view_id: int):
    view = view_service.get_view(view_id, current_user)
    name = view.name
    view_service.delete_view(view, current_user)
    flash(_("The view %(name)s is deleted.", name=name), "success")
    return back_to_board(request.form.get("query", ""))
