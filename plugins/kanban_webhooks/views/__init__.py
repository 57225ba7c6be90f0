"""The webhooks admin pages: subscriptions, their deliveries, a test, pause and resume."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks", template_folder="../templates")

from kanban_webhooks.views import admin  # noqa: E402,F401  (routes register on import)
