"""Admin pages: the team, pipelines and stages, and the record of exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.form_pages import form_on
from kanban.form_tokens import saved_once
from kanban.models import Lead, LeadStatus, Role, Stage
from kanban.permissions import can
from kanban.services import pipelines as pipeline_service
from kanban.services import users as user_service
from kanban.services.exports import list_exports
from kanban.web.forms import PipelineForm, UserForm, show_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_admin():
    # The app's login rule has already sent anonymous visitors to the login page.
    if not (can(current_user, "user.manage") and can(current_user, "pipeline.manage")):
        abort(403)


@bp.get("/")
def index():
    return redirect(url_for("admin.team"))


# ---------------------------------------------------------------------------
# The team
# ---------------------------------------------------------------------------


@bp.get("/team")
def team():
    return _render_team(UserForm(formdata=None, role=Role.MEMBER.value))


@bp.post("/team")
def add_person():
    form = UserForm()
    typed = (form.password.data or "").strip()
    password = typed or user_service.generate_password()
    try:
        person = user_service.create_user(
            email=form.email.data or "", name=form.name.data or "", role=form.role.data or "",
            password=password, user=current_user,
        )
    except ValidationError as exc:
        show_errors(form, exc.fields)
        return _render_team(form, problem=exc.message, status=exc.status)
    flash(_("%(name)s is on the team.", name=person.name), "success")
    return _render_team(
        UserForm(formdata=None, role=Role.MEMBER.value), created=person, new_password=password
    )


@bp.post("/team/<int:user_id>/role")
@form_on("admin.team")
def change_role(user_id: int):
    person = user_service.get_user(user_id)
    try:
        user_service.change_role(person, request.form.get("role", ""), user=current_user)
    except ValidationError as exc:
        db.session.rollback()
        return _render_team(UserForm(formdata=None), problem=exc.message, status=exc.status)
    flash(_("%(name)s is now %(role)s.", name=person.name, role=_role_name(person.role)),
          "success")
    return redirect(url_for("admin.team"))


@bp.get("/team/<int:user_id>/deactivate")
def confirm_deactivate(user_id: int):
    """Say what deactivating a person means before the admin does it."""
    person = user_service.get_user(user_id)
    if person.id == current_user.id:
        flash(_("You cannot deactivate yourself. Ask another admin."), "error")
        return redirect(url_for("admin.team"))
    if not person.active:
        return redirect(url_for("admin.team"))
    return render_template("admin/team_deactivate.html", person=person, page="admin")


@bp.post("/team/<int:user_id>/deactivate")
@form_on("admin.team")
def deactivate(user_id: int):
    person = user_service.get_user(user_id)
    try:
        user_service.deactivate_user(person, user=current_user)
    except ValidationError as exc:
        db.session.rollback()
        return _render_team(UserForm(formdata=None), problem=exc.message, status=exc.status)
    flash(_("%(name)s can no longer log in. Their leads and history stay.", name=person.name),
          "success")
    return redirect(url_for("admin.team"))


@bp.post("/team/<int:user_id>/reactivate")
def reactivate(user_id: int):
    person = user_service.reactivate_user(user_service.get_user(user_id), user=current_user)
    flash(_("%(name)s can log in again.", name=person.name), "success")
    return redirect(url_for("admin.team"))


def _render_team(form: UserForm, *, problem: str = "", created=None, new_password: str = "",
                 status: int = 200):
    return render_template(
        "admin/team.html", form=form, users=user_service.list_users(), problem=problem,
        created=created, new_password=new_password, page="admin",
    ), status


def _role_name(role: str) -> str:
    return {"admin": _("an admin"), "manager": _("a manager"), "member": _("a member")}.get(
        role, role
    )


# ---------------------------------------------------------------------------
# Pipelines and stages
# ---------------------------------------------------------------------------


@bp.get("/pipelines")
def pipelines():
    return _render_pipelines(PipelineForm(formdata=None))


@bp.post("/pipelines")
@saved_once
def create_pipeline():
    form = PipelineForm()
    stages = (form.stages.data or "").splitlines()
    try:
        pipeline = pipeline_service.create_pipeline(form.name.data or "", stages,
                                                    user=current_user)
    except ValidationError as exc:
        show_errors(form, exc.fields)
        return _render_pipelines(form, problem=exc.message, status=exc.status)
    flash(_("The pipeline %(name)s is ready.", name=pipeline.name), "success")
    return redirect(url_for("admin.pipelines"))


@bp.post("/pipelines/<int:pipeline_id>/rename")
@form_on("admin.pipelines")
def rename_pipeline(pipeline_id: int):
    pipeline = pipeline_service.get_pipeline(pipeline_id)
    return apply_change(lambda: pipeline_service.rename_pipeline(
        pipeline, request.form.get("name", ""), user=current_user
    ), _("The pipeline is renamed."), typed_in=f"pipeline-{pipeline.id}-name")


@bp.post("/pipelines/<int:pipeline_id>/delete")
@form_on("admin.pipelines")
def delete_pipeline(pipeline_id: int):
    pipeline = pipeline_service.get_pipeline(pipeline_id)
    return apply_change(lambda: pipeline_service.delete_pipeline(pipeline, user=current_user),
                   _("The pipeline is deleted."))


@bp.post("/pipelines/<int:pipeline_id>/stages")
@form_on("admin.pipelines")
@saved_once
def add_stage(pipeline_id: int):
    pipeline = pipeline_service.get_pipeline(pipeline_id)
    return apply_change(lambda: pipeline_service.add_stage(
        pipeline, request.form.get("name", ""), is_proposal=bool(request.form.get("is_proposal")),
        user=current_user,
    ), _("The stage is added at the end."), typed_in=f"pipeline-{pipeline.id}-new-stage")


@bp.post("/stages/<int:stage_id>/rename")
@form_on("admin.pipelines")
def rename_stage(stage_id: int):
    stage = pipeline_service.find_stage(stage_id)
    return apply_change(lambda: pipeline_service.rename_stage(
        stage, request.form.get("name", ""), user=current_user
    ), _("The stage is renamed."), typed_in=f"stage-{stage.id}-name")


@bp.post("/stages/<int:stage_id>/move")
@form_on("admin.pipelines")
def move_stage(stage_id: int):
    stage = pipeline_service.find_stage(stage_id)
    direction = request.form.get("direction", "")
    # Back on the page, the keyboard is where it was: on the moved stage's button.
    return apply_change(lambda: pipeline_service.move_stage(stage, direction, user=current_user),
                        _("The stage has moved."),
                        then=url_for("admin.pipelines", moved=stage.id, direction=direction))


@bp.post("/stages/<int:stage_id>/proposal")
@form_on("admin.pipelines")
def set_proposal(stage_id: int):
    stage = pipeline_service.find_stage(stage_id)
    is_proposal = request.form.get("is_proposal") == "1"
    message = (_("Leads in this stage count as proposals in progress.") if is_proposal
               else _("This stage no longer counts as proposals in progress."))
    return apply_change(lambda: pipeline_service.set_stage_proposal(
        stage, is_proposal, user=current_user
    ), message)


@bp.post("/stages/<int:stage_id>/stale")
@form_on("admin.pipelines")
def set_stale_days(stage_id: int):
    stage = pipeline_service.find_stage(stage_id)
    days = request.form.get("stale_days", "").strip()
    message = (_("Leads untouched for more than %(days)s days in %(stage)s are now stale.",
                 days=days, stage=stage.name) if days
               else _("Leads in %(stage)s never go stale.", stage=stage.name))
    return apply_change(lambda: pipeline_service.set_stage_stale_days(
        stage, days or None, user=current_user
    ), message, typed_in=f"stage-{stage.id}-stale")


@bp.post("/stages/<int:stage_id>/delete")
@form_on("admin.pipelines")
def delete_stage(stage_id: int):
    stage = pipeline_service.find_stage(stage_id)
    def said(result: tuple[int, Stage | None]) -> str:
        moved, to = result
        if not moved:
            return _("The stage is deleted.")
        return ngettext("The stage is deleted; its %(num)d closed lead is now in %(stage)s.",
                        "The stage is deleted; its %(num)d closed leads are now in %(stage)s.",
                        moved, stage=to.name)

    return apply_change(lambda: pipeline_service.delete_stage(stage, user=current_user), said)


def apply_change(action, message: str | Callable[[Any], str], *, typed_in: str | None = None,
                 then: str | None = None):
    """Run one pipeline change; on refusal show the page again with the reason, and the
    form it came from (``typed_in``: a field's id, or a stage's rules) as typed, its bad
    fields named."""
    try:
        result = action()
    except ValidationError as exc:
        db.session.rollback()
        refused = ({"form": typed_in, "values": request.form.to_dict(), "fields": exc.fields}
                   if typed_in is not None else None)
        return _render_pipelines(PipelineForm(formdata=None), problem=exc.message,
                                 status=exc.status, refused=refused)
    flash(message(result) if callable(message) else message, "success")
    return redirect(then or url_for("admin.pipelines"))


def _render_pipelines(form: PipelineForm, *, problem: str = "", status: int = 200,
                      refused: dict | None = None):
    rows = db.session.execute(
        select(Lead.stage_id, func.count(Lead.id),
               func.count(Lead.id).filter(Lead.status == LeadStatus.OPEN))
        .group_by(Lead.stage_id)
    ).all()
    counts = {stage_id: total for stage_id, total, _open in rows}  # closed ones too
    open_counts = {stage_id: open_leads for stage_id, _total, open_leads in rows}
    pipelines = pipeline_service.list_pipelines()
    pipeline_counts = {p.id: sum(counts.get(s.id, 0) for s in p.stages) for p in pipelines}
    return render_template(
        "admin/pipelines.html", form=form, pipelines=pipelines, counts=counts,
        open_counts=open_counts,
        pipeline_counts=pipeline_counts, problem=problem, page="admin",
        people=user_service.active_users(), refused=refused,
        typed=lambda field_id: refused if refused and refused["form"] == field_id else None,
        moved=(request.args.get("moved", type=int), request.args.get("direction")),
    ), status


# ---------------------------------------------------------------------------
# The record of exports
# ---------------------------------------------------------------------------


@bp.get("/exports")
def exports():
    page = request.args.get("page", 1, type=int)
    listing = list_exports(page, current_app.config["EXPORT_RECORDS_PAGE_SIZE"])
    return render_template("admin/exports.html", listing=listing, page="admin")


from kanban.web import admin_people, admin_sources, admin_stages  # noqa: E402,F401  (their routes join this blueprint)
