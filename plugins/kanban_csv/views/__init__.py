"""The plugin's pages: the import (upload, mapping, report) and the export."""

from flask import Blueprint

bp = Blueprint("csv", __name__, url_prefix="/csv", template_folder="../templates")

from kanban_csv.views import exports, imports  # noqa: E402, F401  (their routes join bp)
