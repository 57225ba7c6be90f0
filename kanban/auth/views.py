"""Login, logout and the user's own profile with API tokens."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from flask_login.config import COOKIE_NAME
from sqlalchemy import select
from werkzeug.security import check_password_hash
from wtforms.fields.choices import SelectChoice

from kanban.auth.access import FORM_REFUSED, public
from kanban.auth.forms import LoginForm, PasswordForm, ProfileForm, TokenForm
from kanban.auth.tokens import create_token, revoke_token
from kanban.extensions import db, limiter
from kanban.i18n import LANGUAGE_NAMES
from kanban.models import ApiToken, User
from kanban.notify.calendar import calendar_url
from kanban.notify.store import email_configured, notification_choices, wants_digest
from kanban.plugins import collect
from kanban.security import local_path

bp = Blueprint("auth", __name__)


# Checked when no account matches, so a wrong email takes as long as a wrong password and
# the answer's timing does not tell who has an account.
DUMMY_PASSWORD_HASH = (
    "scrypt:32768:8:1$poz7WN1CLQUjQGeW$e1d9c47eb2e536dc7bce9059729492f3e36607aa4ddb24771ce5295"
    "62e47f71e8c0bd70566ed0afd50827c85f896f9df05f3449c2a817db2aed993603eda8999"
)


def _login_account_key() -> str:
    # The address is part of the key: a stranger failing logins for someone's email from
    # elsewhere must not lock that person out.
    email = (request.form.get("email") or "").strip().lower()
    return f"login-account:{email}:{get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMITS_PER_IP"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMITS_PER_ACCOUNT"],
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.agenda"))
    form = LoginForm()
    # Told once: the browser keeps the refused form's text from then on, till it is back.
    form_refused = session.pop(FORM_REFUSED, False)
    status = 200
    if form.validate_on_submit():
        user = db.session.scalars(
            select(User).where(User.email == form.email.data.strip().lower())
        ).first()
        if user is None:
            check_password_hash(DUMMY_PASSWORD_HASH, form.password.data)
        elif user.check_password(form.password.data) and user.active:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, form_refused=form_refused,
                           page="login"), status


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("web.agenda")


@bp.route("/logout", methods=["POST"])
def logout():
    # A copied session or remember-me cookie must not work after logging out, so this
    # ends the person's sessions on every device.
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


def _profile_form(*, posted: bool = True) -> ProfileForm:
    """The profile form; ``posted=False``: as stored, whatever this request posted."""
    form = ProfileForm(obj=current_user) if posted else ProfileForm(formdata=None,
                                                                    obj=current_user)
    team = current_app.config["LANGUAGE"]
    # No choice of one's own: the team's language where it is set (pages and emails alike).
    unchosen = (_("The team's language (%(language)s)", language=LANGUAGE_NAMES.get(team, team))
                if team else _("Browser language"))
    form.locale.choices = [SelectChoice("", unchosen)] + [
        SelectChoice(code, LANGUAGE_NAMES.get(code, code))
        for code in current_app.config["LANGUAGES"]
    ]
    return form


def _render_profile(form: ProfileForm, new_token: str | None = None,
                    password_form: PasswordForm | None = None):
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "auth/profile.html",
        form=form,
        password_form=password_form or PasswordForm(formdata=None),
        token_form=TokenForm(formdata=None),
        tokens=tokens,
        new_token=new_token,
        panels=collect("kanban_ui_profile_panels", user=current_user),
        notification_choices=notification_choices(current_user),
        wants_digest=wants_digest(current_user),
        email_configured=email_configured(),
        calendar_url=calendar_url(current_user),
        page="profile",
    )


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    form = _profile_form()
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
        form.first_on_agenda.data = "prospects" if current_user.prospects_first else "clients"
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.locale = form.locale.data or None
        current_user.prospects_first = form.first_on_agenda.data == "prospects"
        db.session.commit()
        refresh()  # said in the language just chosen
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    if request.method == "POST":
        flash(_("Your profile is not saved: see the field marked below."), "error")
        return _render_profile(form), 422
    return _render_profile(form)


@bp.route("/profile/password", methods=["POST"])
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current_password.data):
            current_user.set_password(form.new_password.data)
            _end_other_sessions()
            flash(_("Your password is changed. Other devices need to log in again."), "success")
            return redirect(url_for("auth.profile"))
        form.current_password.errors.append(_("This is not your current password."))
    flash(_("Your password is not changed: see the field marked below."), "error")
    profile = _profile_form(posted=False)
    profile.locale.data = current_user.locale or ""
    profile.first_on_agenda.data = "prospects" if current_user.prospects_first else "clients"
    return _render_profile(profile, password_form=form), 422


@bp.route("/profile/sessions/end", methods=["POST"])
def end_other_sessions():
    _end_other_sessions()
    flash(_("You are logged out on every other device. This browser stays logged in."),
          "success")
    return redirect(url_for("auth.profile"))


def _end_other_sessions() -> None:
    """End every other session and remember-me cookie; keep this browser logged in."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
    user = current_user._get_current_object()
    user.end_sessions()
    db.session.commit()
    login_user(user, remember=remember)


@bp.route("/profile/tokens", methods=["POST"])
def new_token():
    form = TokenForm()
    if not form.validate_on_submit():
        flash(_("Give the token a name."), "error")
        return redirect(url_for("auth.profile"))
    _token, secret = create_token(current_user, form.name.data)
    flash(_("Copy this token now; it will not be shown again."), "info")
    return _render_profile(_profile_form(), new_token=secret)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    revoke_token(token)
    flash(_("The token %(name)s no longer works.", name=token.name), "success")
    return redirect(url_for("auth.profile"))
