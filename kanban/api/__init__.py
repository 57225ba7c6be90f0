"""The JSON API under /api/v1."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from kanban.api import errors, leads, openapi, pipelines  # noqa: E402,F401  (routes register on import)
