"""Reading requests and writing answers for the API views."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import UnsupportedMediaType

from kanban.errors import ServiceError, ValidationError


class BadJSON(ServiceError):
    status = 400
    code = "bad_json"


def json_body() -> dict[str, Any]:
    """Return the request's JSON object, or raise a clear 400 / 415 / 422."""
    if not request.is_json:
        raise UnsupportedMediaType()
    data = request.get_json(silent=True)
    if data is None:
        raise BadJSON(_("The body is not valid JSON."))
    if not isinstance(data, dict):
        raise ValidationError(_("Send a JSON object."))
    return data


def int_field(data: dict[str, Any], name: str, *, required: bool = False) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise ValidationError(
                _("Some fields need your attention."), fields={name: _("This field is required.")}
            )
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            _("Some fields need your attention."), fields={name: _("Must be a whole number.")}
        )
    return value


def page_args(default_size: int, max_size: int) -> tuple[int, int]:
    """Return (page, per_page) from the query string, checked."""
    errors = {}
    try:
        page = int(request.args.get("page", 1))
        if page < 1:
            raise ValueError
    except ValueError:
        errors["page"] = _("Must be a whole number from 1.")
        page = 1
    try:
        per_page = int(request.args.get("per_page", default_size))
        if not 1 <= per_page <= max_size:
            raise ValueError
    except ValueError:
        errors["per_page"] = _("Must be a whole number from 1 to %(max)d.", max=max_size)
        per_page = default_size
    if errors:
        raise ValidationError(_("Some parameters are not valid."), fields=errors)
    return page, per_page
