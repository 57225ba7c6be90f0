"""The web-form pages: public ones for visitors, admin ones for the team."""

from flask import Blueprint

public_bp = Blueprint("webform", __name__, template_folder="../templates",
                      static_folder="../static", static_url_path="/f-static")
admin_bp = Blueprint("webform_admin", __name__, url_prefix="/webforms")

from kanban_webform.views import admin, public  # noqa: E402,F401  (routes register on import)
