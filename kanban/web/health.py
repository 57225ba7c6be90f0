"""/healthz and /readyz: small public JSON answers for load balancers and monitors."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from kanban.auth import public
from kanban.services.health import readiness

bp = Blueprint("health", __name__)


def answer(checks: dict[str, str], status: int) -> Response:
    response = jsonify(status="ok" if status == 200 else "unavailable", checks=checks)
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
    """The database answers, its schema is current and Redis (when configured) answers."""
    checks = readiness()
    ready = all(result == "ok" for result in checks.values())
    return answer(checks, 200 if ready else 503)
