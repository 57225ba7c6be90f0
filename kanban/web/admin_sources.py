"""Admin page: who owns the leads that arrive without an owner, for the core's sources."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.form_pages import form_on
from kanban.plugins import collect
from kanban.services.owner_rules import (
    Departed,
    departed_by_source,
    read_rule,
    rule_form_values,
    set_rule,
)
from kanban.services.users import active_users
from kanban.ui import OwnerRuleSource
from kanban.web.admin import bp

# The core's own sources that bring leads nobody owns; a plugin's source (a web form)
# shows the same rule on its own settings page, and is marked here when its rule names
# people who left the team.
RULED_SOURCES = {
    "api": _l("The API: leads sent without an owner"),
    "import": _l("Imported lists: rows without an owner, when the import gives none"),
}


@bp.get("/sources")
def sources():
    return _render({})


@bp.post("/sources/<source>")
@form_on("admin.sources")
def save_source_rule(source: str):
    if source not in RULED_SOURCES:
        abort(404)
    try:
        rule, people = read_rule(request.form)
    except ValidationError as exc:
        return _render({source: (request.form, exc.fields)}, problem=exc.message), 422
    set_rule(source, rule, people)
    db.session.commit()
    flash(_("The owner rule of “%(source)s” is saved.", source=RULED_SOURCES[source]),
          "success")
    return redirect(url_for("admin.sources"), 303)


def _render(failed: dict, problem: str = "") -> str:
    departed = departed_by_source(RULED_SOURCES)
    shown = []
    for key, label in RULED_SOURCES.items():
        data, errors = failed.get(key, (None, {}))
        shown.append({"key": key, "label": label, "errors": errors,
                      "data": data if data is not None else rule_form_values(key),
                      "departed": departed.get(key)})
    return render_template("admin/sources.html", sources=shown, users=active_users(),
                           left_behind=_left_behind_elsewhere(), problem=problem, page="admin")


def _left_behind_elsewhere() -> list[tuple[OwnerRuleSource, Departed]]:
    """The plugins' sources (each web form) whose rule names people who left the team."""
    elsewhere = collect("kanban_ui_owner_rule_sources")
    departed = departed_by_source(source.key for source in elsewhere)
    return [(source, departed[source.key]) for source in elsewhere if source.key in departed]
