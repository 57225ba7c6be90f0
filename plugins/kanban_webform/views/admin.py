"""Admin pages: the forms, their embed code and numbers, and the spam list."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.form_tokens import saved_once
from kanban.i18n import team_or_default_language, team_or_page_language
from kanban.models import Pipeline, User
from kanban.services.owner_rules import Rule, departed_people, rule_form_values
from kanban_webform.capture import promote_spam
from kanban_webform.embed import iframe_html, json_example, public_base_url, snippet_html
from kanban_webform.fields import STANDARD_FIELDS, field_labels, form_fields
from kanban_webform.forms_admin import form_statistics, require_form_manager, save_form
from kanban_webform.models import Submission, SubmissionStatus, WebForm
from kanban_webform.spam import spam_reason_words
from kanban_webform.views import admin_bp as bp

NEW_FORM_DEFAULTS = MultiDict({
    "enabled": "on", "ask_name": "on", "require_name": "on", "ask_email": "on",
    "require_email": "on", "ask_phone": "on", "ask_company": "on", "ask_message": "on",
    "owner_rule": Rule.NONE.value,
})


def new_form_defaults() -> MultiDict:
    """A new form asks name and email, and speaks the team's language, else the one its
    admin reads the page in."""
    return MultiDict({**NEW_FORM_DEFAULTS, "language": team_or_page_language()})


@bp.before_request
def only_form_managers():
    require_form_manager(current_user)


@bp.get("")
def index():
    forms = db.session.scalars(select(WebForm).order_by(WebForm.name, WebForm.id)).all()
    return render_template("webform/admin/index.html", forms=forms, stats=form_statistics(),
                           page="webforms")


@bp.route("/new", methods=["GET", "POST"])
@saved_once
def new():
    return _settings_page(None)


@bp.route("/<int:form_id>/edit", methods=["GET", "POST"])
def edit(form_id: int):
    return _settings_page(_get_form(form_id))


@bp.get("/<int:form_id>")
def detail(form_id: int):
    form = _get_form(form_id)
    recent = db.session.scalars(
        select(Submission).where(Submission.form_id == form.id)
        .order_by(Submission.created_at.desc(), Submission.id.desc()).limit(20)
    ).all()
    base = public_base_url()
    return render_template(
        "webform/admin/detail.html",
        form=form,
        fields=form_fields(form.fields),
        stats=form_statistics().get(form.id, {}),
        recent=recent,
        hosted_url=f"{base}/f/{form.slug}",
        snippet=snippet_html(form, base),
        iframe=iframe_html(form, base),
        json_example=json_example(form, base),
        spam_reason_words=spam_reason_words,
        departed=departed_people(form.owner_source),
        page="webforms",
    )


@bp.get("/spam")
def spam():
    rows = db.session.scalars(
        select(Submission).where(Submission.status == SubmissionStatus.SPAM)
        .order_by(Submission.created_at.desc(), Submission.id.desc()).limit(200)
    ).all()
    return render_template("webform/admin/spam.html", rows=rows, page="webforms",
                           spam_reason_words=spam_reason_words, field_labels=field_labels)


@bp.post("/spam/<int:submission_id>/lead")
@saved_once
def make_lead(submission_id: int):
    submission = _get_spam(submission_id)
    try:
        lead, became = promote_spam(submission, current_user)
    except ValidationError as exc:
        details = "; ".join(exc.fields.values())
        flash(_("This submission cannot become a lead: %(why)s", why=details or exc.message),
              "error")
        return redirect(url_for("webform_admin.spam"))
    if became == SubmissionStatus.DUPLICATE:
        flash(_("Added to lead #%(id)s “%(title)s”, which has the same email or phone.",
                id=lead.id, title=lead.title), "success")
    else:
        flash(_("Lead #%(id)s “%(title)s” is on the board.", id=lead.id, title=lead.title),
              "success")
    return redirect(url_for("webform_admin.spam"))


@bp.post("/spam/<int:submission_id>/delete")
def delete_spam(submission_id: int):
    submission = _get_spam(submission_id)
    db.session.delete(submission)
    db.session.commit()
    flash(_("The submission is deleted."), "success")
    return redirect(url_for("webform_admin.spam"))


def _settings_page(form: WebForm | None):
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            saved = save_form(form, request.form)
        except ValidationError as exc:
            db.session.rollback()
            errors, status = exc.fields, 422
        else:
            flash(_("The form “%(name)s” is saved.", name=saved.name), "success")
            return redirect(url_for("webform_admin.detail", form_id=saved.id))
        data = request.form
    else:
        data = _settings_of(form) if form else new_form_defaults()
    pipelines = db.session.scalars(select(Pipeline).order_by(Pipeline.position, Pipeline.id)).all()
    users = db.session.scalars(
        select(User).where(User.active.is_(True)).order_by(User.name)
    ).all()
    return render_template(
        "webform/admin/settings.html", form=form, data=data, errors=errors,
        standard_fields=STANDARD_FIELDS, pipelines=pipelines, users=users,
        departed=departed_people(form.owner_source) if form else None, page="webforms",
    ), status


def _settings_of(form: WebForm) -> MultiDict:
    data = MultiDict({
        "name": form.name, "heading": form.heading, "slug": form.slug,
        "enabled": "on" if form.enabled else "",
        "stage_id": str(form.stage_id or ""), "tags": ", ".join(form.tags or []),
        "thank_you_message": form.thank_you_message, "redirect_url": form.redirect_url,
        "allowed_origins": "\n".join(form.allowed_origins or []),
        "duplicate_days": "" if form.duplicate_days is None else str(form.duplicate_days),
        "language": form.language or team_or_default_language(),
        "custom_fields": "\n".join(
            field.label + (" *" if field.required else "")
            for field in form_fields(form.fields) if field.custom
        ),
    })
    for field in form_fields(form.fields):
        if not field.custom:
            data[f"ask_{field.key}"] = "on"
            if field.required:
                data[f"require_{field.key}"] = "on"
    rule = rule_form_values(form.owner_source)
    data["owner_rule"], data["owner_id"] = rule["owner_rule"], rule["owner_id"]
    for user_id in rule["round_robin_user_ids"]:
        data.add("round_robin_user_ids", user_id)
    return data


def _get_form(form_id: int) -> WebForm:
    form = db.session.get(WebForm, form_id)
    if form is None:
        abort(404)
    return form


def _get_spam(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.status != SubmissionStatus.SPAM:
        abort(404)
    return submission
