"""Choosing the language before logging in: the login page lists every language by its own
name, and the choice is kept in a cookie until the person's profile says otherwise."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for

from kanban.auth.access import public
from kanban.i18n import LANGUAGE_COOKIE
from kanban.security import local_path

bp = Blueprint("language", __name__)

A_YEAR = 365 * 24 * 3600


@bp.get("/language/<code>")
@public
def choose(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(local_path(request.args.get("next")) or url_for("auth.login"))
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=A_YEAR, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
