"""Errors as pages for people and as JSON for programs."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import Forbidden, HTTPException, MethodNotAllowed, ServiceUnavailable

from kanban.auth.access import wants_json
from kanban.errors import ServiceError
from kanban.extensions import login_manager
from kanban.form_pages import form_address_page
from kanban.outages import (
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_ERRORS,
    discard_unfinished_work,
    is_unavailable,
    may_mean_an_old_schema,
)
from kanban.sent_forms import form_sent_back
from kanban.services.health import is_schema_behind

log = logging.getLogger(__name__)


def register_error_pages(app: Flask) -> None:
    from kanban.api.errors import error_response, http_error_json

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        discard_unfinished_work()
        if isinstance(exc, MethodNotAllowed) and (address := form_address_page()):
            return redirect(address, 303)  # a refused form's address, reloaded or bookmarked
        if wants_json():
            return http_error_json(exc)
        page = render_template("error.html", status=exc.code, message=_describe(exc),
                               **form_sent_back())
        return with_error_headers(Response(page, status=exc.code), exc)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        discard_unfinished_work()
        message = _("The page expired or the security token is missing. Reload and retry.")
        if wants_json():
            return error_response(400, "csrf", message)
        if request.endpoint == "auth.login":  # the form again, its email kept: one more try
            from kanban.auth.forms import LoginForm

            flash(_("The page had expired. Log in again."), "error")
            return render_template("auth/login.html", form=LoginForm(), page="login"), 400
        # The session behind the form's token has ended: what was typed is shown to copy.
        return render_template("error.html", status=400, message=message,
                               **form_sent_back(with_text=True)), 400

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        discard_unfinished_work()
        if wants_json():
            return error_response(exc.status, exc.code, exc.message, exc.fields, **exc.extra)
        return render_template("error.html", status=exc.status, message=exc.message,
                               **form_sent_back()), exc.status

    for error in (*UNAVAILABLE_ERRORS, DBAPIError):
        app.register_error_handler(error, database_unavailable)


def database_unavailable(exc: Exception):
    """Answer 503 with Retry-After when the database cannot answer, on every page and API.

    Nothing the request wrote stays, and the answer is rendered without the database: the
    person is shown as logged out and the language comes from the browser. Each area's
    own error renderer (the API's JSON, a plugin's page) lays the 503 out.

    A statement that failed because the schema is older than the code (the app started
    before ``kanban db upgrade``) says so instead; the schema is looked at only then, never
    on a request that went well.
    """
    if may_mean_an_old_schema(exc):
        discard_unfinished_work()
        if is_schema_behind():
            log.error("The database schema is older than the code: run `kanban db upgrade` "
                      "(%s %s: %s)", request.method, request.path,
                      _first_line(getattr(exc, "orig", None) or exc))
            return _answer_503(lambda: _("The database needs an upgrade: run kanban db upgrade."))
    if not is_unavailable(exc):
        raise exc
    discard_unfinished_work()
    log.error("The database did not answer %s %s: %s", request.method, request.path,
              _first_line(getattr(exc, "orig", None) or exc))
    return _answer_503(_describe_unavailable)


def _answer_503(describe: Callable[[], str]) -> Response:
    # Nobody is logged in without a database, and only then is the message translated: in
    # the browser's language, not the person's, whose loading would wait for the database
    # again (as long again when it never answers).
    login_manager._update_request_context_with_user()  # noqa: SLF001
    unavailable = ServiceUnavailable(describe(), retry_after=RETRY_AFTER_SECONDS)
    response = current_app.make_response(current_app.handle_http_exception(unavailable))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def with_error_headers(response: Response, exc: HTTPException) -> Response:
    """Keep the headers an HTTP error carries (Allow on a 405, Retry-After on a 503)."""
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _describe_unavailable() -> str:
    return _("The database is not answering just now, so nothing was saved. "
             "Wait a few seconds and try again.")


def _describe(exc: HTTPException) -> str:
    if exc.code == 403 and exc.description != Forbidden.description:
        return str(exc.description)  # who may, said by the page that refused
    if exc.code == 503 and exc.description != ServiceUnavailable.description:
        return str(exc.description)  # why, said by whoever found it out
    return {
        400: _("The request could not be understood."),
        403: _("Your role does not allow this. Ask an admin or a manager."),
        404: _("This page does not exist. Check the address or go back to the board."),
        405: _("This address does not accept that method."),
        413: _("What you sent is too large."),
        429: _("Too many attempts. Wait a minute and try again."),
        503: _describe_unavailable(),
    }.get(exc.code or 500, _("Something went wrong on our side. Try again in a moment."))
