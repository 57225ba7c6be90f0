from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kanban.auth.tokens import user_from_bearer
from kanban.extensions import csrf, db, login_manager
from kanban.models import User
from kanban.security import local_path
from kanban.services.lead_input import MAX_ID

F = TypeVar("F", bound=Callable)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
SESSION_ID = re.compile(r"([0-9]{1,10}):([0-9]{1,10})")
# Set when a form is refused for want of a login: the login page then shows what the
# browser kept of that form and keeps it to put back after logging in (static/js/unsent.js).
FORM_REFUSED = "form_refused_for_login"


def public(view: F) -> F:
    """Let people who are not logged in reach this view."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def csrf_exempt(view: F) -> F:
    """Skip the CSRF check for this view (public endpoints posted from other sites)."""
    view.csrf_exempt = True  # type: ignore[attr-defined]
    return view


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"])
        == "application/json"
    )


def register_access_rules(app: Flask) -> None:
    """Install the login rule, the CSRF rule and the user loaders."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        return user_of_session(session_id)

    @login_manager.request_loader
    def load_user_from_request(req) -> User | None:
        user = user_from_bearer(req.headers.get("Authorization", ""))
        if user is not None:
            g.authenticated_by_token = True
        return user

    app.before_request(_require_login_and_csrf)


def user_of_session(session_id: str) -> User | None:
    """Return the active user a session id ("<id>:<version>") names, if still current."""
    match = SESSION_ID.fullmatch(session_id or "")
    if match is None or int(match[1]) > MAX_ID:
        return None
    user = db.session.get(User, int(match[1]))
    if user is None or not user.active or user.session_version != int(match[2]):
        return None
    return user


def _require_login_and_csrf():
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or (request.endpoint or "").rpartition(".")[2] == "static":
        return None  # the app's and the plugins' scripts and styles are no secret
    is_public = getattr(view, "is_public", False)
    # Who is asking comes before the CSRF check: a refused token, or nobody at all, is the
    # answer a caller can act on (log in, send a token), not a missing CSRF token.
    if not is_public and not current_user.is_authenticated:
        if request.headers.get("Authorization"):
            return _unauthorized(_("This API token is not valid (it may have been revoked)."))
        if wants_json():
            if request.headers.get("Sec-Fetch-Site"):  # a page of the app, in a browser
                return _unauthorized(_("You are no longer logged in. Reload the page to log "
                                       "in again; nothing was changed."))
            return _unauthorized(_("Log in or send an API token."))
        if request.method in UNSAFE_METHODS:
            # A form sent after the session ended: after logging in, back to the page it was
            # on (its own address only answers posts), what was typed back in the form.
            session[FORM_REFUSED] = True
            flash(_("You were logged out, so what you sent was not saved. Log in, then send "
                    "it again."), "error")
            return redirect(url_for("auth.login", next=page_sent_from() or request.script_root
                                    + "/"))
        # The address as the browser sees it, with the prefix the app is mounted under.
        return redirect(url_for("auth.login",
                                next=request.script_root + request.full_path.rstrip("?")))
    if request.method in UNSAFE_METHODS and not getattr(view, "csrf_exempt", False):
        current_user._get_current_object()  # loads the user, from the session or a token
        # A Bearer-token client is not a browser that another site could make post.
        if not g.get("authenticated_by_token") and current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect(apply_exemptions=True)
    return None


def page_sent_from() -> str | None:
    """The page of this site a form was sent from (its Referer), as a path, if any."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host:
        return None
    return local_path(parts.path + (f"?{parts.query}" if parts.query else ""))


def _unauthorized(message: str):
    response = jsonify({"error": {"code": "unauthorized", "message": message, "fields": {}}})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="kanban"'
    return response
