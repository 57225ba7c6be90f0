"""The top bar's search: leads, client folders and contacts on one page."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from kanban import lead_fields
from kanban.services import search as search_service
from kanban.web import bp

# The words for the fields a result was found in.
FIELD_LABELS = {**lead_fields.LABELS, "name": _l("Name")}


@bp.get("/search")
def search():
    text = (request.args.get("q") or "").strip()[:search_service.MAX_TEXT]
    found = search_service.search(text)
    return render_template(
        "web/search.html", page="search", text=text, found={f.kind: f for f in found},
        field_labels=FIELD_LABELS, limit=search_service.LIMIT,
    )
