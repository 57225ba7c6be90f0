"""Search leads, client folders and contacts at once: the top bar's search as JSON."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from kanban.api import bp
from kanban.api.serializers import lead_json
from kanban.services import search as search_service


@bp.get("/search")
def search():
    text = (request.args.get("q") or "").strip()[:search_service.MAX_TEXT]
    found = {group.kind: group for group in search_service.search(text)}
    return jsonify({
        "q": text,
        "leads": _group(found["leads"], lead_json),
        "folders": _group(found["folders"], lambda folder: {
            "id": folder.id, "name": folder.name, "rating": folder.rating}),
        "contacts": _group(found["contacts"], lambda contact: {
            "name": contact.name, "email": contact.email, "phone": contact.phone,
            "lead_id": contact.lead_id, "leads": contact.leads}),
    })


def _group(group: search_service.Found, serialize) -> dict[str, Any]:
    return {
        "total": group.total,
        "items": [
            {**serialize(item), "matched": [name for name, _value in matches]}
            for item, matches in zip(group.items, group.matches, strict=True)
        ],
    }
