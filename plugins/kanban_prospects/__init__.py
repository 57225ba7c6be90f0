"""Prospect lists: the contact bank. A list imported from a spreadsheet (or typed in) is
worked row by row: call, call back later, not interested, or *Make a lead* in one step.
Rows to call back come back on the agenda; the results page shows what each list won."""

from __future__ import annotations

from pathlib import Path

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban import hookimpl
from kanban.ui import LeadSource, NavItem

HERE = Path(__file__).resolve().parent


@hookimpl
def kanban_register_blueprints():
    from kanban_prospects.views import api_bp, bp

    return [bp, api_bp]


@hookimpl
def kanban_register_commands():
    from kanban.cli.lazy import lazy_command

    return [lazy_command("prospects", "kanban_prospects.cli:prospects_group")]


@hookimpl
def kanban_register_migrations():
    return str(HERE / "migrations")


@hookimpl
def kanban_register_translations():
    return str(HERE / "translations")


@hookimpl
def kanban_register_lead_sources():
    return [LeadSource("prospects", str(_l("Prospect list")))]


@hookimpl
def kanban_register_jobs():
    from kanban_prospects.jobs import job_kinds

    return job_kinds()


@hookimpl
def kanban_ui_navigation(user):
    return [NavItem(_("Prospect lists"), url_for("prospects.index"), endpoint="prospects.index")]


@hookimpl
def kanban_ui_agenda_sections(user, owner_id):
    from kanban_prospects.agenda import call_back_section

    return [call_back_section(owner_id)]


@hookimpl
def kanban_calendar_items(user, first, last):
    from kanban_prospects.agenda import calendar_items

    return calendar_items(user.id, first, last)


@hookimpl
def kanban_ui_results_charts(start, end, user):
    from kanban_prospects.agenda import won_chart

    return [won_chart(start, end)]


@hookimpl
def kanban_openapi_paths():
    from kanban_prospects.document import paths

    return paths()


@hookimpl
def kanban_openapi_schemas():
    from kanban_prospects.document import schemas

    return schemas()
