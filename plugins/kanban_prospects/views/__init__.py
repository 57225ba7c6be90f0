"""The prospect lists' pages and their API."""

from pathlib import Path

from flask import Blueprint

HERE = Path(__file__).resolve().parent.parent
bp = Blueprint("prospects", __name__, url_prefix="/prospects",
               template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"),
               static_url_path="/static")
api_bp = Blueprint("prospects_api", __name__, url_prefix="/api/v1")

from kanban_prospects.views import api, lists, rows  # noqa: E402,F401  (routes register on import)
