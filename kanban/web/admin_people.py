"""Admin page of one person: the email they log in with, and a new password when they
forgot theirs."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import User
from kanban.services import users as user_service
from kanban.web.admin import bp
from kanban.web.forms import NewPasswordForm, PersonEmailForm, show_errors


@bp.get("/team/<int:user_id>")
def person(user_id: int):
    return _render_person(user_service.get_user(user_id))


@bp.post("/team/<int:user_id>/email")
def change_email(user_id: int):
    person = user_service.get_user(user_id)
    form = PersonEmailForm()
    try:
        user_service.change_email(person, form.email.data or "", user=current_user)
    except ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc.fields)
        return _render_person(person, email_form=form, problem=exc.message, status=exc.status)
    flash(_("%(name)s now logs in with %(email)s.", name=person.name, email=person.email),
          "success")
    return redirect(url_for("admin.team"))


@bp.post("/team/<int:user_id>/password")
def set_password(user_id: int):
    person = user_service.get_user(user_id)
    form = NewPasswordForm()
    if person.id == current_user.id:
        # Here the old password is not asked for, and this browser's session would end.
        flash(_("Change your own password on your profile page."), "info")
        return redirect(url_for("auth.profile"))
    password = (form.password.data or "").strip() or user_service.generate_password()
    try:
        user_service.set_password(person, password, user=current_user)
    except ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc.fields)
        return _render_person(person, password_form=form, problem=exc.message,
                              status=exc.status)
    return _render_person(person, new_password=password)


def _render_person(person: User, *, email_form: PersonEmailForm | None = None,
                   password_form: NewPasswordForm | None = None, problem: str = "",
                   new_password: str = "", status: int = 200):
    return render_template(
        "admin/team_person.html", person=person, problem=problem, new_password=new_password,
        email_form=email_form or PersonEmailForm(formdata=None, obj=person),
        password_form=password_form or NewPasswordForm(formdata=None), page="admin",
    ), status
