"""Web contact-form lead capture.

Visitors fill in a form on the hosted page ``/f/<slug>``, in a snippet or frame on
the customer's own website, or send JSON to ``/f/<slug>.json``; each real
submission becomes a lead (or a note on the open lead with the same email).
Admins and managers set the forms up under ``/webforms``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy
from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban import hookimpl
from kanban.services.sources import source_name
from kanban.ui import (
    Badge,
    Chart,
    LeadSource,
    NavItem,
    Notice,
    NotificationKind,
    OwnerRuleSource,
)

if TYPE_CHECKING:
    from kanban.models import Lead, Stage, User

HERE = Path(__file__).resolve().parent
SOURCE_PREFIX = "web form: "
NOTE_KIND = "web_form"  # the timeline entry of a submission added to an existing lead


@hookimpl
def kanban_add_hookspecs(pm: pluggy.PluginManager) -> None:
    from kanban_webform import hookspecs

    pm.add_hookspecs(hookspecs)


@hookimpl
def kanban_register_blueprints() -> Sequence[Blueprint]:
    from kanban_webform.views import admin_bp, public_bp

    return [public_bp, admin_bp]


@hookimpl
def kanban_register_commands():
    from kanban.cli.lazy import lazy_command

    return [lazy_command("webform", "kanban_webform.cli:webform")]


@hookimpl
def kanban_register_migrations() -> str:
    return str(HERE / "migrations")


@hookimpl
def kanban_register_translations() -> str:
    return str(HERE / "translations")


@hookimpl
def kanban_register_notification_kinds() -> Sequence[NotificationKind]:
    from kanban_webform.notifications import KINDS

    return KINDS


@hookimpl
def kanban_register_lead_sources() -> Sequence[LeadSource]:
    return [LeadSource("web form", _l("Web form"), entry_kind=NOTE_KIND)]


@hookimpl
def kanban_ui_timeline_text(payload: dict) -> str | None:
    """A submission on a lead's timeline, in the reader's words."""
    submission = payload.get("web_form")
    if not isinstance(submission, dict):
        return None
    from kanban_webform.capture import submission_words

    return submission_words(submission)


@hookimpl
def kanban_stage_delete_veto(stage: Stage) -> str | None:
    """A stage a form puts its new leads in stays until the form is given another one."""
    from flask_babel import ngettext
    from sqlalchemy import select

    from kanban.extensions import db
    from kanban_webform.models import WebForm

    names = db.session.scalars(select(WebForm.name).where(WebForm.stage_id == stage.id)
                               .order_by(WebForm.name)).all()
    if not names:
        return None
    return ngettext("The web form %(names)s puts its new leads in this stage: give it another "
                    "stage first.",
                    "The web forms %(names)s put their new leads in this stage: give them "
                    "another stage first.", len(names), names=", ".join(names))


@hookimpl
def kanban_ui_navigation(user: User) -> Sequence[NavItem]:
    if not getattr(user, "is_manager", False):
        return []
    return [NavItem(str(_l("Web forms")), url_for("webform_admin.index"), "webform_admin.index")]


@hookimpl
def kanban_ui_card_badges(leads: Sequence[Lead], user: User) -> dict[int, list[Badge]]:
    # The source names the form, so no query is needed; the words are looked up once.
    text = _("web")
    return {
        lead.id: [Badge(text, title=source_name(lead.source), tone="info")]
        for lead in leads
        if (lead.source or "").startswith(SOURCE_PREFIX)
    }


@hookimpl
def kanban_ui_results_charts(start: date, end: date, user: User) -> Sequence[Chart]:
    from kanban_webform.results import submissions_chart

    return [submissions_chart(start, end)]


@hookimpl
def kanban_ui_owner_rule_sources() -> Sequence[OwnerRuleSource]:
    """Each form sets the owner of its leads on its settings page."""
    from kanban_webform.forms_admin import owner_rule_sources

    return owner_rule_sources()


@hookimpl
def kanban_ui_agenda_notices(user: User) -> Sequence[Notice]:
    from kanban_webform.notices import spam_notice

    return spam_notice(user)
