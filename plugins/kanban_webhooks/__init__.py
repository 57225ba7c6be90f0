"""Outbound webhooks: an admin subscribes an address to lead events; each one is sent as a
signed JSON request, retried with back-off, logged, and paused if the address keeps
failing. The events come from the core's outbox, so none is missed or sent twice."""

from __future__ import annotations

from pathlib import Path

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban import hookimpl
from kanban.ui import NavItem

HERE = Path(__file__).resolve().parent


@hookimpl
def kanban_register_blueprints():
    from kanban_webhooks.views import bp

    return [bp]


@hookimpl
def kanban_register_commands():
    from kanban.cli.lazy import lazy_command

    return [lazy_command("webhooks", "kanban_webhooks.cli:webhooks_group")]


@hookimpl
def kanban_register_migrations():
    return str(HERE / "migrations")


@hookimpl
def kanban_register_translations():
    return str(HERE / "translations")


@hookimpl
def kanban_register_notification_kinds():
    from kanban_webhooks.notifications import KINDS

    return KINDS


@hookimpl
def kanban_openapi_webhooks():
    from kanban_webhooks.document import webhooks_document

    return webhooks_document()


@hookimpl
def kanban_ui_navigation(user):
    if not getattr(user, "is_admin", False):
        return []
    return [NavItem(_("Webhooks"), url_for("webhooks.index"), endpoint="webhooks.index")]


@hookimpl
def kanban_register_jobs():
    from kanban.jobs import JobKind
    from kanban_webhooks.delivery import ROUND, delivery_round

    return [JobKind(ROUND, _l("Webhook deliveries"), delivery_round, listed=False,
                    retry_minutes=(1, 5, 15))]


def _soon(*_args, **_kwargs) -> None:
    from kanban_webhooks.soon import deliver_soon

    deliver_soon()


# Every lead change: send its event from a thread, right after the change is committed.
@hookimpl
def kanban_lead_created(lead, source, user):
    _soon()


@hookimpl
def kanban_leads_created(leads, user):
    _soon()


@hookimpl
def kanban_lead_moved(lead, from_stage, to_stage, user):
    _soon()


@hookimpl
def kanban_lead_updated(lead, changes, user):
    _soon()


@hookimpl
def kanban_lead_closed(lead, status, user):
    _soon()


@hookimpl
def kanban_lead_reopened(lead, user):
    _soon()


@hookimpl
def kanban_lead_deleted(lead_id, title, user):
    _soon()


@hookimpl
def kanban_lead_noted(lead, activity, user):
    _soon()
