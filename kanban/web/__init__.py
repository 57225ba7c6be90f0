"""The HTML pages of the core: the board, the lead pages and the admin pages."""

from flask import Blueprint

bp = Blueprint("web", __name__)

from kanban.web import (  # noqa: E402,F401  (routes register on import)
    admin,
    agenda,
    board,
    clients,
    jobs,
    leads,
    live,
    notifications,
    results,
    saved_views,
    search,
    team,
)
