"""The JSON API under /api/v1."""

from flask import Blueprint, abort

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.url_value_preprocessor
def refuse_impossible_ids(endpoint: str | None, values: dict | None) -> None:
    """Answer 404 for an id no row can have, before it reaches the database."""
    from kanban.api.helpers import MAX_ID

    if any(name.endswith("_id") and value > MAX_ID for name, value in (values or {}).items()):
        abort(404)


from kanban.api import errors, leads, openapi, pipelines  # noqa: E402,F401  (routes register on import)
