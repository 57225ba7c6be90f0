"""Client folders: the list, one folder with its deals, and putting leads in folders."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.form_pages import form_on
from kanban.form_tokens import saved_once
from kanban.models.base import today
from kanban.services import clients as client_service
from kanban.services import leads as lead_service
from kanban.services.priorities import priority_marks
from kanban.services.queries import MAX_TEXT
from kanban.templating import day
from kanban.web import bp
from kanban.web.forms import ClientForm, DuplicateForm, show_errors
from kanban.web.leads import render_lead_page


@bp.get("/clients")
def clients():
    text = (request.args.get("q") or "").strip()[:MAX_TEXT]
    return _render_list(ClientForm(formdata=None), text)


@bp.post("/clients")
@saved_once
def create_client():
    form = ClientForm()
    try:
        client = client_service.create_folder(request.form, user=current_user)
    except ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc.fields)
        return _render_list(form, "", problem=exc.message), exc.status
    flash(_("The client folder %(name)s is created.", name=client.name), "success")
    return redirect(url_for("web.show_client", client_id=client.id))


def _render_list(form: ClientForm, text: str, *, problem: str = "") -> str:
    return render_template(
        "web/clients.html", page="clients", form=form, text=text, problem=problem,
        summaries=client_service.folder_summaries(text or None),
    )


@bp.get("/clients/<int:client_id>")
def show_client(client_id: int):
    client = client_service.get_folder(client_id)
    form = ClientForm(formdata=None, obj=client)
    form.rating.data = client.rating or ""
    return _render_folder(client, form)


@bp.post("/clients/<int:client_id>")
def update_client(client_id: int):
    client = client_service.get_folder(client_id)
    form = ClientForm()
    try:
        client_service.update_folder(client, request.form, user=current_user)
    except ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc.fields)
        return _render_folder(client_service.get_folder(client_id), form,
                              problem=exc.message), exc.status
    flash(_("The client folder is saved."), "success")
    return redirect(url_for("web.show_client", client_id=client_id))


@bp.post("/clients/<int:client_id>/delete")
def delete_client(client_id: int):
    client = client_service.get_folder(client_id)
    name = client.name
    client_service.delete_folder(client, user=current_user)
    flash(_("The client folder %(name)s is deleted; its leads are kept.", name=name), "success")
    return redirect(url_for("web.clients"))


def _render_folder(client, form: ClientForm, *, problem: str = "") -> str:
    leads = client_service.folder_leads(client)
    everyone = [lead for group in leads.values() for lead in group]
    return render_template(
        "web/client.html", page="client", client=client, form=form, leads=leads,
        marks=priority_marks(everyone), day=today(), problem=problem,
        is_client=bool(leads["won"]),
    )


@bp.post("/leads/<int:lead_id>/client")
@form_on("web.show_lead")
def set_lead_client(lead_id: int):
    """Put a lead in a client folder (an existing one or a new one), or take it out."""
    lead = lead_service.get_lead(lead_id)
    chosen = (request.form.get("client_id") or "").strip()
    try:
        if chosen == "new":
            client = client_service.folder_for(lead, user=current_user)
        else:
            lead_service.update_lead(lead, {"client_id": chosen}, user=current_user)
            client = lead.client
    except ValidationError as exc:
        db.session.rollback()
        return render_lead_page(lead_service.get_lead(lead_id), status=exc.status,
                                problem=exc.fields.get("client_id", exc.message))
    if client is None:
        flash(_("The lead is out of any client folder."), "success")
    else:
        flash(_("The lead is in the client folder %(name)s.", name=client.name), "success")
    return redirect(url_for("web.show_lead", lead_id=lead_id))


@bp.post("/leads/<int:lead_id>/duplicate")
@form_on("web.show_lead")
@saved_once
def duplicate_lead(lead_id: int):
    """Make a renewal or upsell lead from this one, in standby until the chosen day."""
    lead = lead_service.get_lead(lead_id)
    form = DuplicateForm()
    try:
        copy = client_service.duplicate_lead(
            lead, purpose=request.form.get("purpose", ""),
            standby_until=request.form.get("standby_until", ""),
            title=request.form.get("title", ""), value=request.form.get("value", ""),
            user=current_user,
        )
    except ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc.fields)
        return render_lead_page(lead_service.get_lead(lead_id), status=exc.status,
                                problem=exc.message, duplicate_form=form)
    if copy.client is None:
        flash(_("The new lead is in standby until %(date)s.", date=day(copy.next_action_date)),
              "success")
    else:
        flash(_("The new lead is in standby until %(date)s, in the client folder %(name)s.",
                date=day(copy.next_action_date), name=copy.client.name), "success")
    return redirect(url_for("web.show_lead", lead_id=copy.id))
