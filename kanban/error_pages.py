"""Errors as pages for people and as JSON for programs."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kanban.auth.access import wants_json
from kanban.errors import ServiceError


def register_error_pages(app: Flask) -> None:
    from kanban.api.errors import error_response, http_error_json

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if wants_json():
            return http_error_json(exc)
        return render_template("error.html", status=exc.code, message=_describe(exc)), exc.code

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = _("The page expired or the security token is missing. Reload and retry.")
        if wants_json():
            return error_response(400, "csrf", message)
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        if wants_json():
            return error_response(exc.status, exc.code, exc.message, exc.fields, **exc.extra)
        return render_template("error.html", status=exc.status, message=exc.message), exc.status


def _describe(exc: HTTPException) -> str:
    return {
        400: _("The request could not be understood."),
        403: _("Your role does not allow this. Ask an admin or a manager."),
        404: _("This page does not exist. Check the address or go back to the board."),
        405: _("This address does not accept that method."),
        413: _("What you sent is too large."),
        429: _("Too many attempts. Wait a minute and try again."),
    }.get(exc.code or 500, _("Something went wrong on our side. Try again in a moment."))
