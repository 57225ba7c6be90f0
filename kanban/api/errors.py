"""Every API error is JSON: {"error": {"code", "message", "fields"}}.

The core's error handlers (kanban.error_pages) answer API requests with these.
"""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


def error_response(status: int, code: str, message: str, fields: dict | None = None, **extra):
    body = {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}
    response = jsonify(body)
    response.status_code = status
    return response


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    503: "unavailable",
}


def http_error_json(exc: HTTPException):
    from kanban.error_pages import with_error_headers

    messages = {
        400: _("The request could not be understood."),
        404: _("Nothing here: check the address."),
        405: _("This address does not accept that method."),
        413: _("The request is too large."),
        415: _("Send JSON with Content-Type: application/json."),
        429: _("Too many requests. Wait a moment and try again."),
    }
    status = exc.code or 500
    response = error_response(
        status,
        HTTP_CODES.get(status, "error"),
        messages.get(status, exc.description or _("Something went wrong.")),
    )
    return with_error_headers(response, exc)
