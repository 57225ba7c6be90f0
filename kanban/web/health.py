"""/healthz and /readyz: small public JSON answers for load balancers and monitors."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from kanban.auth import public
from kanban.services.health import is_ready, readiness

bp = Blueprint("health", __name__)


def answer(checks: dict[str, str], status: int) -> Response:
    if status != 200:
        summary = "unavailable"
    else:  # "degraded": served, but a part that is not essential (Redis) is down
        summary = "ok" if all(result == "ok" for result in checks.values()) else "degraded"
    response = jsonify(status=summary, checks=checks)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@public
def healthz() -> Response:
    """The process is alive (the database is not touched)."""
    return answer({"process": "ok"}, 200)


@bp.get("/readyz")
@public
def readyz() -> Response:
    """200 while the database answers and its schema is current; Redis (when configured)
    is reported, not required: the app serves without it."""
    checks = readiness()
    return answer(checks, 200 if is_ready(checks) else 503)
