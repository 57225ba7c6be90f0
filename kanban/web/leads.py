"""Lead pages: create, edit, detail with timeline, and the actions posted from them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kanban import lead_fields
from kanban.amounts import typed_amount
from kanban.errors import Conflict, NotFound, PermissionDenied, ServiceError, ValidationError
from kanban.extensions import db
from kanban.form_pages import form_on
from kanban.form_tokens import saved_once
from kanban.models import Activity, Lead, NextActionKind, User
from kanban.models.base import today
from kanban.permissions import can
from kanban.security import local_path, posted_return_to
from kanban.services import assignment
from kanban.services import clients as client_service
from kanban.services import leads as lead_service
from kanban.services.followup import log_touch
from kanban.services.lead_input import MAX_ID, clean_lead_data, readers_decimal_comma
from kanban.services.pipelines import list_pipelines
from kanban.services.priorities import priority_mark
from kanban.services.timeline import timeline_entries
from kanban.services.users import active_users
from kanban.web import bp
from kanban.web.agenda import render_agenda_again
from kanban.web.forms import (
    CloseForm,
    DuplicateForm,
    LeadEditForm,
    LeadForm,
    MoveForm,
    VersionForm,
    client_choices,
    lost_reason_choices,
    owner_choices,
    show_errors,
    stage_choices,
    with_ids,
)
from kanban.web.touches import (
    follow_up_options,
    posted_follow_up,
    touch_logged_message,
)

LEAD_FIELDS = lead_fields.FORM_FIELDS  # what the lead's form posts
FIELD_LABELS = lead_fields.LABELS


# ---------------------------------------------------------------------------
# Create and edit
# ---------------------------------------------------------------------------


@bp.route("/leads/new", methods=["GET", "POST"])
@saved_once
def new_lead():
    form = _with_choices(LeadForm())
    status = 200
    if request.method == "GET":
        stage_id = request.args.get("stage_id", type=int)
        form.stage_id.data = str(stage_id) if stage_id else form.stage_id.data
        form.owner_id.data = str(current_user.id)
        form.currency.data = current_app.config["DEFAULT_CURRENCY"]
        form.priority.data = "2"
        form.next_action_kind.data = NextActionKind.TODO.value
    else:
        data = _posted_lead_data()
        if not data.get("currency"):
            data.pop("currency", None)
        data["stage_id"] = _posted_id("stage_id")
        try:
            lead = lead_service.create_lead(data, user=current_user)
        except ValidationError as exc:
            status = _refused(form, exc)
        else:
            flash(_("The lead is created."), "success")
            return redirect(url_for("web.show_lead", lead_id=lead.id))
    return render_template("web/lead_form.html", form=form, lead=None, page="lead_form"), status


@bp.route("/leads/<int:lead_id>/edit", methods=["GET", "POST"])
def edit_lead(lead_id: int):
    lead = lead_service.get_lead(lead_id)
    if request.method == "GET":
        form = _with_choices(_edit_form(lead), lead)
        return _render_edit(form, lead)
    form = _with_choices(LeadEditForm(), lead)
    data = _posted_lead_data()
    if lead.owner_id is not None and data.get("owner_id") == str(lead.owner_id):
        del data["owner_id"]  # unchanged, even when the owner has left the team since
    try:
        lead_service.update_lead(lead, data, user=current_user, version=_posted_id("version"))
    except Conflict as exc:
        db.session.rollback()
        lead = lead_service.get_lead(lead_id)
        fresh = _with_choices(_edit_form(lead), lead)
        return _render_edit(fresh, lead, conflict=exc.message, typed=_typed(lead, data),
                            status=409)
    except ValidationError as exc:
        db.session.rollback()
        status = _refused(form, exc)
        return _render_edit(form, lead_service.get_lead(lead_id), status=status)
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("web.show_lead", lead_id=lead.id))


def _render_edit(form: LeadEditForm, lead: Lead, *, conflict: str = "", typed=None,
                 status: int = 200):
    return render_template(
        "web/lead_form.html", form=form, lead=lead, conflict=conflict, typed=typed or {},
        field_labels=FIELD_LABELS, page="lead_form",
    ), status


def _edit_form(lead: Lead) -> LeadEditForm:
    form = LeadEditForm(formdata=None, obj=lead)
    form.value.data = typed_amount(lead.value, readers_decimal_comma())
    form.owner_id.data = str(lead.owner_id or "")
    form.priority.data = str(lead.priority)
    form.client_id.data = str(lead.client_id or "")
    form.tags.data = ", ".join(lead.tags)
    form.next_action_date.data = lead.next_action_date.isoformat() if lead.next_action_date else ""
    form.next_action_time.data = (lead.next_action_time.strftime("%H:%M")
                                  if lead.next_action_time else "")
    form.stage_id.data = str(lead.stage_id)
    form.version.data = str(lead.version)
    return form


def _with_choices(form, lead: Lead | None = None):
    owners = active_users()
    if lead is not None and lead.owner is not None and not lead.owner.active:
        owners.append(lead.owner)  # keep showing who owns it, rather than "Nobody"
    form.owner_id.choices = owner_choices(owners)
    form.client_id.choices = client_choices(client_service.list_folders())
    form.stage_id.choices = stage_choices(list_pipelines())
    if form.stage_id.data is None and form.stage_id.choices:
        form.stage_id.data = form.stage_id.choices[0].value
    return form


def _posted_lead_data() -> dict[str, Any]:
    data = {name: request.form.get(name, "") for name in LEAD_FIELDS if name in request.form}
    data["starred"] = "starred" in request.form  # an unticked box is not sent at all
    return data


def _posted_id(name: str) -> int | str | None:
    """Return a posted id as a number, or the raw text so the service names it as wrong."""
    raw = (request.form.get(name) or "").strip()
    if raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID:
        return int(raw)
    return raw or None


def _typed(lead: Lead, data: dict[str, str]) -> dict[str, str]:
    """Return what the person typed that differs from the lead as it is now."""
    typed = {name: data[name] for name in data if _differs(lead, name, data[name])}
    owner_id = _posted_id("owner_id")
    if "owner_id" in typed and isinstance(owner_id, int):
        owner = db.session.get(User, owner_id)
        typed["owner_id"] = owner.name if owner else typed["owner_id"]
    return typed


def _differs(lead: Lead, name: str, typed: str) -> bool:
    try:
        clean = clean_lead_data({name: typed}, partial=True).get(name)
    except ValidationError:
        return True
    current = lead.tags if name == "tags" else getattr(lead, name)
    return clean != current


def _refused(form, exc: ValidationError) -> int:
    unshown = show_errors(form, exc.fields)
    if not exc.fields or unshown:  # the form's error summary shows the rest
        flash(exc.message, "error")
    for message in unshown.values():
        flash(message, "error")
    return exc.status


# ---------------------------------------------------------------------------
# Detail and timeline
# ---------------------------------------------------------------------------


@bp.get("/leads/<int:lead_id>")
def show_lead(lead_id: int):
    return render_lead_page(lead_service.get_lead(lead_id))


def render_lead_page(lead: Lead, *, status: int = 200, close_form=None, move_form=None,
                   problem: str = "", touch: dict[str, Any] | None = None,
                   duplicate_form=None):
    activities = db.session.scalars(
        timeline_entries(lead.id).options(selectinload(Activity.author))
    ).all()
    if move_form is None:
        move_form = MoveForm(formdata=None, stage_id=str(lead.stage_id), version=lead.version)
    move_form.stage_id.choices = stage_choices([lead.stage.pipeline])
    close_form = close_form or CloseForm(formdata=None, version=lead.version)
    for form, prefix in ((move_form, "move"), (close_form, "close")):
        with_ids(form, prefix)
    close_form.lost_reason.choices = lost_reason_choices(current_app.config["LOST_REASONS"])
    day = today()
    if duplicate_form is None:
        duplicate_form = DuplicateForm(
            formdata=None,  # the title left empty: named after the purpose chosen
            value=typed_amount(lead.value, readers_decimal_comma()),
            standby_until=client_service.renewal_date(lead, day).isoformat(),
        )
    with_ids(duplicate_form, "duplicate")
    return_to = local_path(request.values.get("return_to"))
    return render_template(
        "web/lead_detail.html",
        lead=lead,
        mark=priority_mark(lead),
        day=day,
        # The next step stays what it was unless the salesperson writes another.
        touch=touch or {"values": {"next_action_text": lead.next_action_text or ""},
                        "fields": {}},
        return_to=return_to,
        page_address=url_for("web.show_lead", lead_id=lead.id, return_to=return_to or None),
        follow_up_options=follow_up_options(day),
        duplicate_form=duplicate_form,
        folders=client_service.list_folders(),
        activities=activities,
        owner_names=_owner_names(activities),
        client_names=_client_names(activities),
        field_labels=FIELD_LABELS,
        move_form=move_form,
        close_form=close_form,
        version_form=with_ids(VersionForm(formdata=None, version=lead.version), "reopen"),
        as_amount=_as_amount,
        as_day=_as_day,
        problem=problem,
        page="lead",
    ), status


def _as_amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _as_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _client_names(activities) -> dict[str, str]:
    """Return names for the client folders that edits on the timeline mention."""
    ids = {
        value
        for activity in activities
        for value in (activity.payload or {}).get("changes", {}).get("client_id", [])
        if isinstance(value, int)
    }
    return {str(c.id): c.name for c in client_service.folders_by_id(ids)}


def _owner_names(activities) -> dict[str, str]:
    """Return names for the owner ids that edits on the timeline mention."""
    ids = {
        int(value)
        for activity in activities
        for value in (activity.payload or {}).get("changes", {}).get("owner_id", [])
        if isinstance(value, int)
    }
    if not ids:
        return {}
    return {str(u.id): u.name for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


# ---------------------------------------------------------------------------
# Actions posted from the detail page
# ---------------------------------------------------------------------------


@bp.post("/leads/<int:lead_id>/notes")
@form_on("web.show_lead")
@saved_once
def add_note(lead_id: int):
    """Log a touch and the next follow-up in one step, from the lead page or the agenda."""
    lead = lead_service.get_lead(lead_id)
    back = posted_return_to()
    posted = posted_follow_up()
    try:
        log_touch(lead, request.form.get("body", ""),
                             kind=request.form.get("kind", "note"), follow_up=posted,
                             user=current_user)
    except (ValidationError, Conflict) as exc:
        db.session.rollback()
        if back and (shown := render_agenda_again(lead_id, exc, posted, back)):
            return shown
        typed = {**posted, "kind": request.form.get("kind", ""),
                 "body": request.form.get("body", "")}
        return render_lead_page(lead_service.get_lead(lead_id), status=exc.status,
                              problem=exc.message, touch={"values": typed, "fields": exc.fields})
    flash(touch_logged_message(lead_service.get_lead(lead_id)), "success")
    if back:
        return redirect(back)
    return redirect(url_for("web.show_lead", lead_id=lead_id))


@bp.post("/leads/<int:lead_id>/take")
def take_lead(lead_id: int):
    """Take a lead nobody owns (the agenda's *Take it*): one wins when two click at once."""
    back = posted_return_to()
    try:
        lead = assignment.take_lead(lead_id, current_user)
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(back or url_for("web.show_lead", lead_id=lead_id)), 303
    flash(_("“%(title)s” is yours now.", title=lead.title), "success")
    return redirect(back or url_for("web.show_lead", lead_id=lead_id)), 303


@bp.post("/leads/<int:lead_id>/star")
def star_lead(lead_id: int):
    """Star a lead so it stands out, or take the star off."""
    lead = lead_service.get_lead(lead_id)
    back = posted_return_to()
    lead_service.update_lead(lead, {"starred": request.form.get("starred") == "1"},
                             user=current_user)
    return redirect(back or url_for("web.show_lead", lead_id=lead_id))


@bp.post("/leads/<int:lead_id>/move")
@form_on("web.show_lead")
def move_lead(lead_id: int):
    lead_service.get_lead(lead_id)
    form = MoveForm()
    try:
        lead = lead_service.move_lead(
            lead_id, stage_id=_posted_id("stage_id"), version=_posted_id("version"),
            user=current_user,
        )
    except ServiceError as exc:
        return _action_refused(lead_id, exc, move_form=form)
    flash(_("Moved to %(stage)s.", stage=lead.stage.name), "success")
    return redirect(url_for("web.show_lead", lead_id=lead_id))


@bp.post("/leads/<int:lead_id>/close")
@form_on("web.show_lead")
@saved_once
def close_lead(lead_id: int):
    lead = lead_service.get_lead(lead_id)
    form = CloseForm()
    reason = ": ".join(
        part for part in (request.form.get("lost_reason", "").strip(),
                          request.form.get("lost_reason_text", "").strip()) if part
    )
    status = request.form.get("status", "")
    try:
        lead_service.close_lead(lead, status, lost_reason=reason if status == "lost" else "",
                                version=_posted_id("version"), user=current_user)
    except ServiceError as exc:
        return _action_refused(lead_id, exc, close_form=form)
    flash(_("The lead is closed."), "success")
    return redirect(url_for("web.show_lead", lead_id=lead_id))


@bp.post("/leads/<int:lead_id>/reopen")
@form_on("web.show_lead")
def reopen_lead(lead_id: int):
    lead = lead_service.get_lead(lead_id)
    try:
        lead_service.reopen_lead(lead, version=_posted_id("version"), user=current_user)
    except ServiceError as exc:
        return _action_refused(lead_id, exc)
    flash(_("The lead is back on the board, to do."), "success")
    return redirect(url_for("web.show_lead", lead_id=lead_id))


@bp.route("/leads/<int:lead_id>/delete", methods=["GET", "POST"])
def delete_lead(lead_id: int):
    lead = lead_service.get_lead(lead_id)
    if not can(current_user, "lead.delete"):
        abort(403)
    if request.method == "GET":
        return render_template("web/lead_delete.html", lead=lead, form=VersionForm(),
                               page="lead_delete")
    title = lead.title
    lead_service.delete_lead(lead, user=current_user)
    flash(_("The lead %(title)s is deleted.", title=title), "success")
    return redirect(url_for("web.board"))


def _action_refused(lead_id: int, exc: ServiceError, **forms):
    """Show the detail page again with the refusal; permission and absence stay errors."""
    if isinstance(exc, PermissionDenied | NotFound):
        raise exc
    db.session.rollback()
    lead = lead_service.get_lead(lead_id)
    for form in forms.values():
        show_errors(form, exc.fields)
    if isinstance(exc, Conflict):
        forms = {}  # show the lead's real stage and version
    return render_lead_page(lead, status=exc.status, problem=exc.message, **forms)

