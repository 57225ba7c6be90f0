"""What a form sent, given back to the person when it could not be saved.

A page that refuses a form (the session expired, the database is away) has lost what was
typed unless the browser still holds it. It offers the way back to the form (the
browser's history restores what was typed), and where asked shows the typed text itself
so it can be copied: text only, never a password, a token or a secret, nor the ids and
ticks the page filled in.
"""

from __future__ import annotations

import re

from flask import request
from werkzeug.datastructures import MultiDict

from kanban.auth.access import UNSAFE_METHODS, page_sent_from
from kanban.lead_fields import AMOUNT, BY_NAME, EMAIL, LABELS, TAGS, TEXT

# Names of fields never shown back: secrets, and what the page (not the person) filled in.
NOT_TYPED = re.compile(r"password|passwd|token|secret|csrf|key|(^|_)ids?$|version|^next$",
                       re.IGNORECASE)
# What browsers and WTForms send for a ticked box: nothing anyone typed.
TICKED = {"y", "on", "1", "true"}
# A lead's fields typed as text; the others are chosen from a list, picked or ticked.
TYPED_LEAD_FIELDS = {TEXT, EMAIL, AMOUNT, TAGS}


def typed_text(form: MultiDict[str, str]) -> dict[str, str]:
    """Return the text fields a form sent that a person typed, by field name."""
    typed: dict[str, str] = {}
    for name, value in form.items(multi=True):
        if NOT_TYPED.search(name) or not value.strip() or value.strip().lower() in TICKED:
            continue
        if name in BY_NAME and BY_NAME[name].kind not in TYPED_LEAD_FIELDS:
            continue
        typed[name] = f"{typed[name]}\n{value}" if name in typed else value
    return typed


def form_sent_back(*, with_text: bool = False) -> dict[str, object]:
    """What an error page answering a form needs to give it back: whether a form was sent,
    the page it was sent from, and (``with_text``) the text typed into it, labelled as on
    the lead form where the names are a lead's fields."""
    sent = request.method in UNSAFE_METHODS and not request.is_json
    return {
        "form_sent": sent,
        "sent_from": page_sent_from() if sent else None,
        "typed": typed_text(request.form) if sent and with_text else {},
        "typed_labels": LABELS,
    }
