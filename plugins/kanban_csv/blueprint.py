"""The plugin's blueprint; its pages register on import of the view modules."""

from flask import Blueprint

bp = Blueprint("csv", __name__, url_prefix="/csv", template_folder="templates")
