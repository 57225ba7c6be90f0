"""A team at work in one language, as the pages-in-every-language tests see it: the demo
pipeline and its leads, client folders, a web form, a webhook, background jobs and a
prospect list; and the address of every page an admin opens."""

from __future__ import annotations

from kanban_prospects.lists import (
    RowQuery,
    add_rows,
    columns_from,
    create_list,
    find_rows,
    guess_fields,
)
from kanban_prospects.working import set_status
from kanban_webhooks.models import Subscription
from sqlalchemy import select

from kanban.demo import create_demo_data, create_demo_history
from kanban.extensions import db
from kanban.models import Client, Job, Lead
from kanban.models.base import today
from kanban.notify.calendar import renew_calendar_token
from tests.factories import PASSWORD, UserFactory
from tests.live import on_path
from tests.webform.factories import WebFormFactory

PLUGINS = ["webform", "email_bcc", "csv", "webhooks", "prospects"]


def make_team(app, language: str) -> dict:
    """A team working in ``language``: its demo pipeline, leads, folders and a web form."""
    app.config["LANGUAGE"] = language
    admin = UserFactory(email="chefe@example.com", role="admin", locale=language,
                        name="Maria")
    renew_calendar_token(admin)  # a long private address on the profile page
    create_demo_data(25, owner=admin)
    create_demo_history(12)
    lead = db.session.scalars(select(Lead).where(Lead.status == "open")).first()
    folder = db.session.scalars(select(Client)).first()
    form = WebFormFactory(slug="contact", language=language,
                          stage=lead.stage)
    seller = UserFactory(email="vendas@example.com", name="Rui", locale=language)
    hook = Subscription(url="https://hooks.example.com/kanban", events=["won", "lost"],
                        secret="whsec_example")
    running = Job(kind="csv.import", user_id=admin.id, status="running", done=400, total=1000)
    finished = Job(kind="csv.import", user_id=admin.id, status="done", done=20, total=20)
    db.session.add_all([hook, running, finished])
    db.session.commit()
    header = ["Empresa", "Contacto", "Telefone", "Cidade"]
    prospects = create_list("Feira 2026", columns_from(header, guess_fields(header)), user=admin)
    add_rows(prospects, [["Padaria Lisboa", "Ana Sousa", "+351 912 345 678", "Lisboa"],
                         ["Волга Трейд", "Ирина", "+7 843 555 12 34", "Казань"]], user=admin)
    row = find_rows(prospects, RowQuery()).rows[0]
    set_status(row, "call_back", user=admin, call_back_on=today())
    return {"admin": admin, "lead": lead.id, "folder": folder.id, "form": form.id,
            "seller": seller.id, "hook": hook.id, "job": running.id,
            "prospects": prospects.id, "row": row.id}


def pages(team: dict) -> dict[str, str]:
    """Every page an admin of ``team`` opens, by a short name."""
    lead, folder, form = team["lead"], team["folder"], team["form"]
    return {
        "agenda": "/agenda",
        "board": "/board",
        "lead": f"/leads/{lead}",
        "lead-new": "/leads/new",
        "lead-edit": f"/leads/{lead}/edit",
        "lead-delete": f"/leads/{lead}/delete",
        "clients": "/clients",
        "client": f"/clients/{folder}",
        "team": "/team",
        "team-leads": f"/team/leads?owner_id={team['admin'].id}&what=open",
        "results": "/results",
        "search": "/search?q=a",
        "profile": "/profile",
        "admin-team": "/admin/team",
        "admin-team-deactivate": f"/admin/team/{team['seller']}/deactivate",
        "admin-team-person": f"/admin/team/{team['seller']}",
        "admin-pipelines": "/admin/pipelines",
        "admin-exports": "/admin/exports",
        "admin-sources": "/admin/sources",
        "notifications": "/notifications",
        "jobs": "/jobs",
        "job": f"/jobs/{team['job']}",
        "webforms": "/webforms",
        "webform": f"/webforms/{form}",
        "webform-edit": f"/webforms/{form}/edit",
        "webform-new": "/webforms/new",
        "webform-spam": "/webforms/spam",
        "webform-hosted": "/f/contact",
        "csv-export": "/csv/export",
        "csv-import": "/csv/import",
        "mail-log": "/mail/log",
        "mail-quarantine": "/mail/quarantine",
        "mail-thread": f"/mail/leads/{lead}",
        "webhooks": "/webhooks",
        "webhook": f"/webhooks/{team['hook']}",
        "prospects": "/prospects/",
        "prospect-list": f"/prospects/{team['prospects']}",
        "prospect-row": f"/prospects/rows/{team['row']}",
    }


def log_in_in_any_language(page, email: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(on_path("/agenda"))
