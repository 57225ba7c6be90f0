"""The JSON API under /api/v1."""

from flask import Blueprint, abort, request

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def refuse_impossible_ids() -> None:
    """Answer 404 for an id no row can have, before it reaches the database.

    It runs after the login check, so a caller without a login still gets 401 first.
    """
    from kanban.api.helpers import MAX_ID

    ids = (request.view_args or {}).items()
    if any(name.endswith("_id") and value > MAX_ID for name, value in ids):
        abort(404)


def blueprint() -> Blueprint:
    """Return the API's blueprint with every route.

    The routes are imported here, not with the package: a command reusing the API's JSON
    (a webhook's body) does not import every endpoint.
    """
    from kanban.api import (  # noqa: F401  (routes register on import)
        agenda,
        errors,
        events,
        leads,
        openapi,
        pipelines,
        search,
    )

    return bp
