"""CSV export of the board's leads for marketing, and import of prospect lists."""

from __future__ import annotations

from pathlib import Path

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban import hookimpl
from kanban.ui import LeadSource, NavItem, ToolbarItem

HERE = Path(__file__).resolve().parent


@hookimpl
def kanban_register_blueprints():
    from kanban_csv.views import bp

    return [bp]


@hookimpl
def kanban_register_commands():
    from kanban.cli.lazy import lazy_command

    return [lazy_command("export", "kanban_csv.cli:export_command"),
            lazy_command("import", "kanban_csv.cli:import_command"),
            lazy_command("csv-cleanup", "kanban_csv.cli:cleanup_command")]


@hookimpl
def kanban_register_migrations():
    return str(HERE / "migrations")


@hookimpl
def kanban_register_translations():
    return str(HERE / "translations")


@hookimpl
def kanban_register_jobs():
    from kanban_csv.jobs import job_kinds

    return job_kinds()


@hookimpl
def kanban_register_export_formats():
    from kanban.tables.delimited import builtin_formats

    return builtin_formats()


@hookimpl
def kanban_register_lead_sources():
    return [LeadSource("import", _l("Imported list"))]


@hookimpl
def kanban_ui_board_toolbar(pipeline, user, filters):
    from kanban.permissions import can_export

    if not can_export(user):
        return []
    args = {k: v for k, v in (filters or {}).items() if v and k != "pipeline"}
    args["pipeline_id"] = str(pipeline.id)
    return [
        ToolbarItem(
            label=_("Export"),
            url=url_for("csv.export_page", **args),
            icon="⬇",
            title=_("Download the leads the board shows as a spreadsheet"),
        )
    ]


@hookimpl
def kanban_ui_navigation(user):
    from kanban.permissions import can

    if not can(user, "lead.create"):
        return []
    return [NavItem(_("Import"), url_for("csv.import_start"), endpoint="csv.import_start")]
