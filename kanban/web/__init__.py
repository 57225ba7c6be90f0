"""The HTML pages of the core: the board and the lead pages."""

from flask import Blueprint

bp = Blueprint("web", __name__)

from kanban.web import board  # noqa: E402,F401  (routes register on import)
