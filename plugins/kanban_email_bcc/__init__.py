"""Email-BCC ingestion: BCC or forward mail to a personal dropbox address and it
lands on the lead's timeline (or becomes a new lead)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from kanban import hookimpl

HERE = Path(__file__).resolve().parent


@hookimpl
def kanban_register_blueprints():
    from kanban_email_bcc.views import bp

    return [bp]


@hookimpl
def kanban_register_commands():
    from kanban_email_bcc.cli import mail

    return [mail]


@hookimpl
def kanban_register_migrations() -> str:
    return str(HERE / "migrations" / "versions")


@hookimpl
def kanban_register_translations() -> str:
    return str(HERE / "translations")


@hookimpl
def kanban_register_notification_kinds():
    from kanban_email_bcc.notifications import KINDS

    return KINDS


@hookimpl
def kanban_register_jobs():
    from kanban_email_bcc.imap import job_kinds

    return job_kinds()


@hookimpl
def kanban_register_lead_sources():
    from kanban.ui import LeadSource

    return [LeadSource("email", _l("Email"))]


@hookimpl
def kanban_ui_navigation(user):
    from kanban.ui import NavItem

    return [NavItem(_l("Mail log"), url_for("email_bcc.log"), endpoint="email_bcc.log")]


@hookimpl
def kanban_ui_assets(page: str):
    from kanban.ui import Asset

    if page == "profile":
        return [Asset("js", url_for("email_bcc.static", filename="dropbox.js"))]
    if page in ("lead", "email_bcc_thread", "email_bcc_log", "email_bcc_quarantine"):
        return [Asset("css", url_for("email_bcc.static", filename="mail.css"))]
    return []


@hookimpl
def kanban_ui_profile_panels(user) -> Sequence[Markup]:
    from kanban_email_bcc.dropbox import dropbox_address, get_dropbox

    address = dropbox_address(get_dropbox(user))
    # Left at its default domain, no mail server can deliver to the address yet.
    unset = not current_app.config.get("EMAIL_BCC_DOMAIN")
    return [Markup(render_template("email_bcc/profile_panel.html", address=address,
                                   domain_unset=unset, is_admin=user.is_admin))]


@hookimpl
def kanban_ui_lead_panels(lead, user) -> Sequence[Markup]:
    from kanban_email_bcc.lead_panel import lead_panel

    panel = lead_panel(lead)
    return [panel] if panel is not None else []


@hookimpl
def kanban_ui_card_badges(leads, user):
    from kanban_email_bcc.lead_panel import email_badges

    return email_badges(leads)
