"""Reading requests and writing answers for the API views."""

from __future__ import annotations

import json
from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import UnsupportedMediaType

from kanban import lead_fields
from kanban.errors import ServiceError, ValidationError
from kanban.services.lead_input import MAX_ID
from kanban.text import refuse_unstorable

MAX_PAGE = 1_000_000


class BadJSON(ServiceError):
    status = 400
    code = "bad_json"


def json_body() -> dict[str, Any]:
    """Return the request's JSON object, or raise a clear 400 / 415 / 422."""
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        data = json.loads(request.get_data(cache=True), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        # ValueError covers bad syntax, bad UTF-8, NaN / Infinity and huge numbers.
        raise BadJSON(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ValidationError(_("Send a JSON object."))
    refuse_unstorable(data.items())
    return data


def refuse_unknown_fields(data: dict[str, Any], schema: dict[str, Any]) -> None:
    """Raise ValidationError naming every field the request's schema does not have: a
    misspelt field would otherwise be dropped without a word."""
    unknown = [name for name in data if name not in schema["properties"]]
    if not unknown:
        return
    elsewhere = {
        "stage_id": _("Move a lead with its move request (POST /leads/<id>/move)."),
        "status": _("Close or reopen a lead with its close or reopen request."),
    }
    raise ValidationError(  # with the known fields sent wrong, all named at once
        _("Nothing was saved: some fields are not fields of a lead."),
        fields={**_wrong_types(data),
                **{name: elsewhere.get(name, _("There is no such field.")) for name in unknown}})


def refuse_off_schema(data: dict[str, Any], schema: dict[str, Any]) -> None:
    """Raise ValidationError naming every field ``schema`` does not have, and every one
    sent as another JSON type than it gives ("50" for a whole number): nothing is dropped
    or read loosely without a word. For the requests whose schema says it all (pipelines,
    stages, a lead's move, close, reopen and notes); a lead's fields are checked by
    ``refuse_unknown_fields`` and ``refuse_wrong_types``."""
    problems = _off_schema(data, schema)
    if problems:
        raise ValidationError(_("Some fields need your attention."), fields=problems)


def _off_schema(data: dict[str, Any], schema: dict[str, Any], within: str = "") -> dict[str, str]:
    """The fields of ``data`` off ``schema``, by name ("follow_up.time" for one inside an
    object of the request)."""
    problems = {}
    for name, value in data.items():
        spec = schema["properties"].get(name)
        if spec is None:
            problems[within + name] = _("There is no such field.")
            continue
        kinds = spec.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        types = tuple(_SCHEMA_TYPES[kind] for kind in kinds if kind in _SCHEMA_TYPES)
        if types and not (value is None and "null" in kinds) and type(value) not in types:
            problems[within + name] = _type_words(types)
        elif isinstance(value, dict) and "properties" in spec:
            problems.update(_off_schema(value, spec, f"{within}{name}."))
    return problems


# The JSON types a lead field of each kind is sent as, where the pages' and the imports'
# looser reading would take another: a form posts every field as text, JSON need not.
# Null is read as "empty" by every kind.
_JSON_TYPES = {lead_fields.TEXT: (str,), lead_fields.EMAIL: (str,), lead_fields.PHONE: (str,),
               lead_fields.CURRENCY: (str,), lead_fields.FLAG: (bool,), lead_fields.USER: (int,),
               lead_fields.CLIENT: (int,)}


def refuse_wrong_types(data: dict[str, Any]) -> None:
    """Raise ValidationError naming every lead field sent as the wrong JSON type: 5 for a
    title, "yes" for starred, "4" for an owner id (a page would take each of these)."""
    wrong = _wrong_types(data)
    if wrong:
        raise ValidationError(_("Some fields need your attention."), fields=wrong)


def _wrong_types(data: dict[str, Any]) -> dict[str, str]:
    wrong = {}
    for name, value in data.items():
        field = lead_fields.BY_NAME.get(name)
        types = _JSON_TYPES.get(field.kind) if field is not None else None
        if types is None or value is None or type(value) in types:
            continue
        wrong[name] = _type_words(types)
    return wrong


# The JSON types a schema names that a request is checked against; the others (arrays,
# objects) are read by the request's own code.
_SCHEMA_TYPES = {"integer": int, "boolean": bool, "string": str}


def _type_words(types: tuple[type, ...]) -> str:
    """Say which JSON type a field takes."""
    return (_("Use true or false.") if bool in types else
            _("Must be a whole number.") if int in types else _("Must be text."))


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def int_field(
    data: dict[str, Any], name: str, *, required: bool = False, is_id: bool = False
) -> int | None:
    """Return a whole-number field (None when absent), or raise a 422 naming it."""
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
    if is_id and not 1 <= value <= MAX_ID:
        raise ValidationError(
            _("Some fields need your attention."),
            fields={name: _("There is nothing with this id.")},
        )
    return value


def whole_number(text: str | None, low: int, high: int) -> int | None:
    """Read a whole number from ``low`` to ``high`` from a query string; None otherwise."""
    try:
        value = int(text or "")
    except ValueError:
        return None
    return value if low <= value <= high else None


def page_args(default_size: int, max_size: int) -> tuple[int, int]:
    """Return (page, per_page) from the query string, checked."""
    errors = {}
    try:
        page = int(request.args.get("page", 1))
        if not 1 <= page <= MAX_PAGE:
            raise ValueError
    except ValueError:
        errors["page"] = _("Must be a whole number from 1 to %(max)d.", max=MAX_PAGE)
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


def created(body: dict[str, Any], location: str | None = None):
    """Answer 201 with the new resource (and where it lives)."""
    response = jsonify(body)
    response.status_code = 201
    if location:
        response.headers["Location"] = location
    return response
