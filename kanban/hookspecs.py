"""The contract between the core and its plugins.

Every extension point of Kanban is one hook spec below. A plugin is a module or
object with functions marked ``@kanban.hookimpl`` whose names match these specs;
it may accept any subset of the arguments a spec lists.

Families:

* ``kanban_register_*``: called once at start-up; return things for the core to install.
* ``kanban_ui_*``: template slots, called while a page renders; return data, the core renders it.
* ``kanban_lead_*`` (past tense): lead lifecycle events, called after the change is committed.
* ``firstresult`` questions: the first plugin that answers decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime

    import click
    from flask import Blueprint
    from markupsafe import Markup

    from kanban.jobs import JobKind
    from kanban.models import Activity, Lead, Pipeline, Stage, User
    from kanban.services.lead_views import LeadView
    from kanban.ui import (
        AgendaSection,
        Asset,
        Badge,
        CalendarItem,
        Chart,
        ExportFormat,
        LeadSource,
        NavItem,
        Notice,
        NotificationKind,
        OwnerRuleSource,
        ToolbarItem,
    )

hookspec = pluggy.HookspecMarker("kanban")
hookimpl = pluggy.HookimplMarker("kanban")


# ---------------------------------------------------------------------------
# Start-up: plugins register what they bring
# ---------------------------------------------------------------------------


@hookspec(historic=True)
def kanban_add_hookspecs(pm: pluggy.PluginManager) -> None:
    """Add a plugin's own hook specs, so that other plugins can extend it.

    Called once for every plugin as it is registered (a historic hook), before any
    other hook. Call ``pm.add_hookspecs(module)``. Returns nothing.
    """


@hookspec
def kanban_register_blueprints() -> Sequence[Blueprint] | None:
    """Return Flask blueprints that add pages or API routes.

    Called once, when the application first serves a request, builds a URL or compiles
    a template (a command that only stores data never builds its pages). Routes need a
    login unless the view is decorated with ``kanban.auth.public``. Returns a list of
    blueprints (all plugins' lists are registered).
    """


@hookspec
def kanban_register_commands() -> Sequence[click.Command] | None:
    """Return click commands (or groups) to add to the ``kanban`` console command.

    Called once while the application is created. The commands run inside an
    application context. Returns a list of commands; ``kanban.cli.lazy.lazy_command(name,
    "module:attribute")`` stands for one whose module is imported only when it is run or
    its help is shown.
    """


@hookspec
def kanban_register_migrations() -> str | None:
    """Return the folder that holds the plugin's Alembic revision files.

    Called once while the application is created. A plugin's revisions form their
    own branch (``branch_labels``) that ``depends_on`` the core's first revision;
    ``kanban db upgrade`` upgrades every branch. Returns a path or None.
    """


@hookspec
def kanban_register_translations() -> str | None:
    """Return the plugin's ``translations`` folder (gettext catalogues).

    Called once while the application is created; the catalogues are merged with
    the core's for every request. Returns a path or None.
    """


@hookspec
def kanban_register_lead_sources() -> Sequence[LeadSource] | None:
    """Return the lead sources a plugin produces (``LeadSource(key, label)``, with the
    ``entry_kind`` of the timeline entries it adds to existing leads, if any).

    Called when the core lists sources, for example in filters and on the lead
    form. Returns a list; all plugins' lists are joined.
    """


@hookspec
def kanban_register_export_formats() -> Sequence[ExportFormat] | None:
    """Return export formats (``ExportFormat``) for the board's export.

    Called when the export page or command lists its formats. Each format writes
    rows to a text stream; a plugin can add XLSX or others this way. Returns a list.
    """


# ---------------------------------------------------------------------------
# Template slots: return data, the core renders it
# ---------------------------------------------------------------------------


@hookspec
def kanban_ui_navigation(user: User) -> Sequence[NavItem] | None:
    """Return links (``NavItem``) for the top navigation bar.

    Called once per page render for a logged-in user. Returns a list.
    """


@hookspec
def kanban_ui_board_toolbar(
    pipeline: Pipeline, user: User, filters: dict[str, str]
) -> Sequence[ToolbarItem] | None:
    """Return buttons (``ToolbarItem``) for the board's toolbar.

    Called once per board render with the pipeline shown and the filters in the URL
    (so a button can carry them, as an export does). Returns a list.
    """


@hookspec
def kanban_ui_card_badges(
    leads: Sequence[LeadView], user: User
) -> dict[int, list[Badge]] | None:
    """Return small badges (``Badge``) for the cards on the board.

    Called once per board render (and per loaded page of a column) with every lead
    being shown, so that a plugin can answer with one query, never one per card.
    Each lead is read as the board shows it (``LeadView``): it reads as a ``Lead`` does
    (its fields, ``stage``, ``owner``, ``tags``, ``is_stale()``...), read only; what the
    board did not read (``description``, ``client``...) is loaded on first use, for
    every lead of the call at once. Returns ``{lead_id: [Badge, ...]}``; the core
    merges all plugins' answers.
    """


@hookspec
def kanban_ui_lead_panels(lead: Lead, user: User) -> Sequence[Markup] | None:
    """Return HTML panels for the lead page, rendered from the plugin's own template.

    Called once per lead page render. Returns a list of ``Markup``; this is the only
    slot where a plugin hands over HTML, so it must escape what it shows.
    """


@hookspec(firstresult=True)
def kanban_ui_timeline_text(kind: str, body: str, payload: dict[str, Any]) -> str | None:
    """Return the words of a timeline entry the plugin wrote, in the reader's language.

    Called for each entry shown (the lead page, the API's ``text``). A plugin that stores
    what happened in the entry's ``payload`` says it here, so every reader reads it in their
    own words; the ``body`` it stored is what shows where the plugin is not installed.
    Return None for an entry that is not the plugin's. The first plugin that answers wins.
    """


@hookspec
def kanban_ui_profile_panels(user: User) -> Sequence[Markup] | None:
    """Return HTML panels for the user's own profile page.

    Called once per profile page render. Returns a list of ``Markup`` rendered from
    the plugin's own template.
    """


@hookspec
def kanban_ui_agenda_notices(user: User) -> Sequence[Notice] | None:
    """Return notices (``Notice``) for the top of today's agenda.

    Called once per agenda render for the person looking at it, so a plugin can
    point at what waits for them (web-form submissions held as spam, mail that could
    not be filed). Returns a list; the core escapes and lays the notices out.
    """


@hookspec
def kanban_ui_owner_rule_sources() -> Sequence[OwnerRuleSource] | None:
    """Return the sources whose owner rule the plugin sets on pages of its own (each web
    form), as ``OwnerRuleSource(key, label, url)``.

    Called once per render of the Lead sources page, which marks those whose rule names
    people who have left the team and links to their page. Returns a list; all plugins'
    lists are joined.
    """


@hookspec
def kanban_ui_agenda_sections(user: User, owner_id: int | None) -> Sequence[AgendaSection] | None:
    """Return sections (``AgendaSection``) for today's agenda, shown after proposals, new
    leads and follow-ups, in the order the plugins answer.

    Called once per agenda render with the person looking and whose agenda it is
    (``owner_id``; None for the whole team). A section lists what that person has to do
    today from the plugin's own records (prospects to call back, for example). Returns a
    list.
    """


@hookspec
def kanban_calendar_items(user: User, first: date, last: date) -> Sequence[CalendarItem] | None:
    """Return days (``CalendarItem``) to put in ``user``'s private calendar feed beside their
    leads' follow-ups, from the plugin's own records, between ``first`` and ``last``.

    Called once each time a calendar fetches the feed (every few hours). Returns a list;
    the core writes each as an all-day event, after the leads' follow-ups.
    """


@hookspec
def kanban_ui_results_charts(start: date, end: date, user: User) -> Sequence[Chart] | None:
    """Return extra charts (``Chart``) for the results page.

    Called once per results render with the period shown (``start`` included,
    ``end`` excluded). A chart is data: a title and labelled bars; the core draws it
    as SVG beside a table of its numbers. Returns a list.
    """


@hookspec
def kanban_ui_assets(page: str) -> Sequence[Asset] | None:
    """Return stylesheets and scripts (``Asset``) to include on a page.

    Called once per page render with the page's name (``"board"``, ``"lead"``,
    ``"login"``...). Returns a list; URLs should point at the plugin's own static
    folder.
    """


@hookspec
def kanban_register_notification_kinds() -> Sequence[NotificationKind] | None:
    """Return the kinds of notification a plugin sends (``NotificationKind``).

    Called when the kinds are listed (the profile, the bell, an email being written).
    The plugin then tells people with ``kanban.notify.store.notify(kind, user_ids, ...)``;
    the core stores each notification, shows it under the bell, emails it to those who
    want it and lets each person turn the kind off on their profile. Returns a list.
    """


@hookspec
def kanban_register_jobs() -> Sequence[JobKind] | None:
    """Return the kinds of background work a plugin runs (``kanban.jobs.JobKind``).

    Called when a job is started or run. The plugin then starts one with
    ``kanban.jobs.start(name, params, user=...)``: it runs on ``kanban worker`` when Redis
    is configured, else in a thread of the app, with its progress, cancelling, retries and
    history kept by the core. Returns a list.
    """


@hookspec
def kanban_openapi_paths() -> dict[str, Any] | None:
    """Return the API paths a plugin adds under ``/api/v1`` for the OpenAPI document:
    ``{path: path item}``, with its schemas inline or under ``#/components/schemas`` as
    returned by ``kanban_openapi_schemas``.

    Called each time the API's OpenAPI document is built. Returns a dict.
    """


@hookspec
def kanban_openapi_schemas() -> dict[str, Any] | None:
    """Return JSON Schemas a plugin's API paths refer to, added to the OpenAPI document's
    ``components.schemas`` under their names.

    Called each time the API's OpenAPI document is built. Returns a dict.
    """


@hookspec
def kanban_openapi_webhooks() -> dict[str, Any] | None:
    """Return the requests a plugin sends to other systems, for the OpenAPI document's
    ``webhooks`` section: ``{name: path item}``, each describing the POST it sends (its
    body as a JSON Schema, which may point at the document's components, such as
    ``#/components/schemas/Lead``).

    Called each time the API's OpenAPI document is built. Returns a dict.
    """


# ---------------------------------------------------------------------------
# Lead lifecycle events: called after the change is committed
# ---------------------------------------------------------------------------


@hookspec
def kanban_lead_created(lead: Lead, source: str, user: User | None) -> None:
    """React to a new lead.

    Called after the lead and its first timeline entry are committed, with the
    lead's source ("manual", "api", "web form: Contact", ...) and the user who
    created it (None for public sources such as a web form). Returns nothing.
    """


@hookspec
def kanban_leads_created(leads: list[Lead], user: User | None) -> None:
    """React to many new leads at once (an import, a list turned into leads).

    Called once per committed batch, in the leads' order. A plugin implementing it is
    not called with ``kanban_lead_created`` for these leads; the others are, one lead
    at a time. Returns nothing.
    """


@hookspec
def kanban_lead_moved(lead: Lead, from_stage: Stage, to_stage: Stage, user: User | None) -> None:
    """React to a lead that changed place on the board.

    Called after the move is committed, also for a move within one stage
    (``from_stage is to_stage``). Returns nothing.
    """


@hookspec
def kanban_lead_updated(lead: Lead, changes: dict[str, Any], user: User | None) -> None:
    """React to edited lead fields.

    Called after the edit is committed with ``{field: [old, new]}`` for every field
    that changed. Returns nothing.
    """


@hookspec
def kanban_lead_closed(lead: Lead, status: str, user: User | None) -> None:
    """React to a lead closed as won, lost or cancelled.

    Called after the change is committed; ``status`` is "won", "lost" or
    "cancelled" and ``lead.lost_reason`` holds the reason for a lost lead.
    Returns nothing.
    """


@hookspec
def kanban_lead_reopened(lead: Lead, user: User | None) -> None:
    """React to a closed lead that is open again.

    Called after the change is committed; the lead is back in the stage it left,
    as *to do*. Returns nothing.
    """


@hookspec
def kanban_lead_deleted(lead_id: int, title: str, user: User | None) -> None:
    """React to a deleted lead.

    Called after the deletion is committed, with the lead's former id and title (the
    lead and its timeline are gone). Returns nothing.
    """


@hookspec
def kanban_lead_noted(lead: Lead, activity: Activity, user: User | None) -> None:
    """React to a new entry on a lead's timeline (a note, call, email...).

    Called after the entry is committed. Returns nothing.
    """


# ---------------------------------------------------------------------------
# Questions: the first answer wins
# ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def kanban_lead_move_veto(lead: Lead, to_stage: Stage, user: User | None) -> str | None:
    """Refuse a move before anything is written.

    Called before every move. Return a sentence for the person ("Add a value
    before moving to Proposal") to refuse the move (the API answers 422 with it),
    or None to allow it. The first plugin that refuses stops the call.
    """


@hookspec(firstresult=True)
def kanban_stage_delete_veto(stage: Stage) -> str | None:
    """Refuse to delete a stage something of the plugin's still sends leads to.

    Called before a stage without open leads is deleted, alone or with its pipeline (once
    per stage).
    Return a sentence for the person ("The web
    form Contact puts its leads here: choose another stage for it first") to refuse
    (the page and the API answer 422 with it), or None to allow it.
    """


@hookspec(firstresult=True)
def kanban_lead_find_duplicate(
    email: str | None, phone: str | None, since: datetime | None, open_only: bool
) -> Lead | None:
    """Find the existing lead that a new contact is a duplicate of.

    Called by lead sources (web forms, imports, mail) before they create a lead.
    ``since`` limits the search to leads created or active since that time.
    Returns the lead or None; the first answer wins, and the core's own answer
    (same email, else same phone digits, most recently active first) comes last.
    """
