"""The one rule for characters no lead, note or setting may hold.

Lone surrogates (half of a broken symbol), the C0 control characters other than tab,
line feed and carriage return, and DEL (U+007F) cannot be stored by every database,
break exports and hide text from people. Where they come from decides what happens:

* **Text a person typed** (the HTML pages and the JSON API) is **refused**: the page or
  the API answers 422 naming each field, so the person removes the character and sends
  again. ``refuse_unstorable`` raises that error; the pages' check runs before every
  view (``register_text_check``) and the API's in ``kanban.api.helpers.json_body``.
* **Text from machines we do not control** (mail, CSV cells, the hosted web form that
  any website or script may post) is **cleaned**: ``remove_unstorable`` drops the
  characters so a lead is never lost over an invisible one. Views that clean their own
  text are marked with ``machine_text`` so the pages' check lets them through.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_babel import gettext as _

from kanban.errors import ValidationError

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Any control character (C0 with tab and line breaks, DEL, C1): never in an address to go to.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
F = TypeVar("F", bound=Callable[..., Any])


def has_unstorable(text: str) -> bool:
    """Tell whether the text holds a character no field may store."""
    return UNSTORABLE.search(text) is not None


def has_control_characters(text: str) -> bool:
    """Tell whether the text holds any control character (C0, DEL or C1), tab included."""
    return CONTROL.search(text) is not None


def remove_unstorable(value: Any) -> Any:
    """Return the value with every unstorable character removed (in texts, lists, objects)."""
    if isinstance(value, str):
        return UNSTORABLE.sub("", value)
    if isinstance(value, Mapping):
        return {remove_unstorable(key): remove_unstorable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [remove_unstorable(item) for item in value]
    return value


def unstorable_message() -> str:
    """Say what is wrong with a field holding an unstorable character, and what to do."""
    return _("Contains an invisible control character or a broken symbol. "
             "Remove it (retype the text) and send again.")


def unstorable_problem(value: Any) -> str | None:
    """Name what cannot be stored in a value (texts, lists, objects, numbers), or None."""
    if isinstance(value, str):
        return unstorable_message() if has_unstorable(value) else None
    if isinstance(value, float) and not math.isfinite(value):
        return _("Must be a finite number.")
    if isinstance(value, Mapping):
        items: Iterable[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        items = value
    else:
        return None
    return next((message for item in items if (message := unstorable_problem(item))), None)


def unstorable_fields(fields: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    """Return {field name: problem} for each (name, value) pair that cannot be stored."""
    errors: dict[str, str] = {}
    for name, value in fields:
        message = unstorable_problem(name) or unstorable_problem(value)
        if message:
            errors.setdefault(remove_unstorable(str(name)) or "?", message)
    return errors


def refuse_unstorable(fields: Iterable[tuple[Any, Any]]) -> None:
    """Raise a 422 ValidationError naming every field that holds an unstorable character."""
    errors = unstorable_fields(fields)
    if errors and set(errors.values()) == {unstorable_message()}:
        raise ValidationError(
            _("These fields hold a character that cannot be stored: %(names)s. "
              "Retype them and send again.", names=", ".join(errors)),
            fields=errors,
        )
    if errors:  # a number too large for any number type (1e400), say
        raise ValidationError(_("Some fields need your attention."), fields=errors)


def machine_text(view: F) -> F:
    """Mark a view whose text comes from machines: it cleans the text itself, never refuses."""
    view.cleans_machine_text = True  # type: ignore[attr-defined]
    return view


def register_text_check(app: Flask) -> None:
    """Refuse, before any page's view runs, a posted form field holding an unstorable character."""
    app.before_request(_refuse_unstorable_form_fields)


def _refuse_unstorable_form_fields() -> None:
    if request.method not in UNSAFE_METHODS or request.is_json:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "cleans_machine_text", False):
        return
    refuse_unstorable(request.form.items(multi=True))
