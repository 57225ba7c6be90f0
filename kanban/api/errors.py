"""Every API error is JSON: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kanban.api import bp
from kanban.errors import ServiceError


def error_response(status: int, code: str, message: str, fields: dict | None = None, **extra):
    body = {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}
    response = jsonify(body)
    response.status_code = status
    return response


@bp.errorhandler(ServiceError)
def service_error(exc: ServiceError):
    response = jsonify(exc.to_dict())
    response.status_code = exc.status
    return response


@bp.errorhandler(CSRFError)
def csrf_error(exc: CSRFError):
    return error_response(
        400, "csrf", _("The page expired or the security token is missing. Reload and retry.")
    )


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
}


def http_error_json(exc: HTTPException):
    messages = {
        400: _("The request could not be understood."),
        404: _("Nothing here: check the address."),
        405: _("This address does not accept that method."),
        413: _("The request is too large."),
        415: _("Send JSON with Content-Type: application/json."),
        429: _("Too many requests. Wait a moment and try again."),
    }
    status = exc.code or 500
    return error_response(
        status,
        HTTP_CODES.get(status, "error"),
        messages.get(status, exc.description or _("Something went wrong.")),
    )


bp.register_error_handler(HTTPException, http_error_json)
