"""What a form sent, given back to the person when it could not be saved.

A page that refuses a form (the session expired, the database is away) has lost what was
typed unless the browser still holds it. It offers the way back to the form (the
browser's history restores what was typed), and where asked shows the typed text itself
so it can be copied: the text written, under the form's labels in the page's language;
never a password, a token or a secret, nor the options picked and ticks.
"""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from kanban.auth.access import UNSAFE_METHODS, page_sent_from
from kanban.lead_fields import AMOUNT, EMAIL, FIELDS, PHONE, TAGS, TEXT

# A lead's fields typed as text; the others are chosen from a list, picked or ticked.
TYPED_LEAD_FIELDS = {TEXT, EMAIL, PHONE, AMOUNT, TAGS}
# The text people write into the forms, by the name a form sends it under, labelled as the
# forms label it. Whatever else a form sends (options picked, boxes ticked, dates, ids,
# tokens, passwords) is no text anyone wrote and is left out.
TYPED_LABELS = {
    **{field.name: field.label for field in FIELDS if field.kind in TYPED_LEAD_FIELDS},
    "body": _l("What happened"),
    "notes": _l("Notes"),
    "lost_reason_text": _l("In your words"),
    "name": _l("Name"),
}


def typed_text(form: MultiDict[str, str]) -> dict[str, str]:
    """Return the text a person wrote into a form, by field name."""
    typed: dict[str, str] = {}
    for name, value in form.items(multi=True):
        if name not in TYPED_LABELS or not value.strip():
            continue
        typed[name] = f"{typed[name]}\n{value}" if name in typed else value
    return typed


def form_sent_back(*, with_text: bool = False) -> dict[str, object]:
    """What an error page answering a form needs to give it back: whether a form was sent,
    the page it was sent from, and (``with_text``) the text typed into it, and its labels."""
    sent = request.method in UNSAFE_METHODS and not request.is_json
    return {
        "form_sent": sent,
        "sent_from": page_sent_from() if sent else None,
        "typed": typed_text(request.form) if sent and with_text else {},
        "typed_labels": TYPED_LABELS,
    }
