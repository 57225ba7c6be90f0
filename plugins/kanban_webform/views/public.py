"""What visitors reach: the hosted form page, the JSON endpoint and the embed token."""

from __future__ import annotations

from contextlib import suppress
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from markupsafe import Markup
from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from kanban.auth import csrf_exempt, public
from kanban.extensions import db, limiter
from kanban.i18n import speak
from kanban.idempotency import idempotent
from kanban.models import Stage
from kanban.models.base import utcnow
from kanban.outages import is_unavailable
from kanban.plugins import get_hook
from kanban.services.as_read import from_row, read_columns
from kanban.text import machine_text, remove_unstorable
from kanban_webform.capture import capture, record_spam, was_received
from kanban_webform.cors import (
    add_cors_headers,
    frame_policy,
    is_foreign_post,
    is_from_allowed_site,
    is_own_origin,
    preflight,
)
from kanban_webform.fields import (
    HONEYPOT,
    clean_submission,
    form_fields,
    typed_lines,
)
from kanban_webform.models import WebForm
from kanban_webform.settings import setting
from kanban_webform.spam import (
    TokenExpired,
    captcha_problem,
    fill_token,
    is_used_token,
    release_fill_token,
    spam_reason,
    use_fill_token,
)
from kanban_webform.views import public_bp as bp

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_ENDPOINTS = ("webform.submit_json", "webform.token")
META_LIMIT = 2000
KEPT_FORMS = 64  # forms whose objects are kept between requests, per app


def _form_key() -> str:
    return "webform:" + str((request.view_args or {}).get("slug", ""))


def _per_ip() -> str:
    return setting("WEBFORM_LIMIT_PER_IP")


def _per_form() -> str:
    return setting("WEBFORM_LIMIT_PER_FORM")


rate_limited = [
    limiter.shared_limit(_per_ip, "webform-ip", key_func=get_remote_address, methods=["POST"]),
    limiter.shared_limit(_per_form, "webform-form", key_func=_form_key, methods=["POST"]),
]


def limited(view):
    for decorator in rate_limited:
        view = decorator(view)
    return view


def find_form(slug: str) -> WebForm | None:
    """The form with this slug and its stage, detached: a submission commits several
    times, and the settings are read only once.

    The row is read on every request; while it reads the same, the objects made from it
    last time serve again (they are only read), so a burst of submissions builds them
    once. Any change to the form or its stage makes new ones."""
    row = db.session.connection().execute(_form_by_slug(), {"slug": slug}).first()
    if row is None:
        return None
    made = current_app.extensions.setdefault("kanban_webform_forms", {})
    kept = made.get(slug)
    if kept is not None and kept[0] == row:
        return kept[1]
    form = from_row(WebForm, row)
    set_committed_value(form, "stage", from_row(Stage, row))
    if len(made) >= KEPT_FORMS:
        made.clear()
    made[slug] = (row, form)
    return form


@cache
def _form_by_slug() -> Select:
    """The one query of a submission's form and stage, built once per process."""
    return (select(*read_columns(WebForm), *read_columns(Stage))
            .outerjoin(Stage, Stage.id == WebForm.stage_id)
            .where(WebForm.slug == bindparam("slug")))


def form_seen_before(slug: str) -> WebForm | None:
    """The form with this slug as this process last read it (None: not read yet): enough
    to give a visitor their message back while the database cannot answer."""
    kept = current_app.extensions.get("kanban_webform_forms", {}).get(slug)
    return kept[1] if kept is not None else None


def load_form(slug: str, *, switched_off: bool = False) -> WebForm:
    """Return the enabled form with this slug (``switched_off``: or the disabled one), or
    answer 404."""
    form = g.pop("webform_found") if "webform_found" in g else find_form(slug)
    if form is None or not (form.enabled or switched_off):
        abort(404)
    g.webform = form
    speak(form.language)
    return form


@bp.before_request
def speak_the_forms_language():
    """Answer in the form's language from the start, so that a refusal before the view
    (too large, a reused Idempotency-Key) speaks it too. The view takes the form found."""
    slug = (request.view_args or {}).get("slug", "")
    try:
        g.webform_found = form = find_form(slug)
    except Exception as exc:
        # A browser asks before it posts from another site: answered from the form as this
        # process last read it, the post itself then gets its 503 with the site's headers.
        form = form_seen_before(slug)
        if request.method != "OPTIONS" or form is None or not is_unavailable(exc):
            raise
        with suppress(Exception):  # the connection may be gone with the database
            db.session.rollback()
        g.webform_found = form
    if form is not None:  # switched off too: its visitors are told so in its language
        speak(form.language)


@bp.before_request
def limit_body_size():
    if request.method == "POST":
        request.max_content_length = setting("WEBFORM_MAX_BODY_BYTES")
        if (request.content_length or 0) > request.max_content_length:
            abort(413)


@bp.after_request
def public_headers(response: Response) -> Response:
    form = g.get("webform")
    if form is None and request.endpoint in JSON_ENDPOINTS and request.headers.get("Origin"):
        # Refused before the view ran (e.g. 429, or 503 with the database out of reach):
        # the allowed site may still read why.
        slug = (request.view_args or {}).get("slug", "")
        form = (g.webform_found if "webform_found" in g
                else form_seen_before(slug) if response.status_code == 503
                else find_form(slug))
    if form is None:
        return response
    if request.endpoint in JSON_ENDPOINTS:
        add_cors_headers(response, form)
        response.headers.setdefault("Cache-Control", "no-store")
    else:
        redirect_origin = urlsplit(form.redirect_url)
        response.headers["Content-Security-Policy"] = frame_policy(
            form,
            extra_form_action=f"{redirect_origin.scheme}://{redirect_origin.netloc}"
            if form.redirect_url else "",
            script_origins=setting("WEBFORM_CAPTCHA_ORIGINS"),
        )
        # The page may be framed by the form's sites; the core's same-origin policy would
        # also hide the page address a visitor came from.
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


@bp.errorhandler(HTTPException)
def public_error(exc: HTTPException):
    """Lay out an error in the visitor's terms (the core decides when the database is down)."""
    if request.endpoint in JSON_ENDPOINTS:
        return _json_error(exc.code or 500, _http_code(exc.code), _http_message(exc.code))
    form = g.get("webform")
    if exc.code == 503 and form is None:  # the database failed before the form was read
        form = form_seen_before((request.view_args or {}).get("slug", ""))
    if exc.code == 503 and form is not None and request.endpoint == "webform.submit_page":
        # Nothing was saved: give the visitor their message back, ready to send again.
        # A fresh token: the one sent may still count as used if the database fell mid-way.
        data = request.form.to_dict()
        return _render_form(form, data, token=fill_token(form, filled=True), status=503,
                            message=_("We could not save your message just now. "
                                      "Please send it again."))
    if exc.code == 503 and request.method == "GET":
        message = _("This form cannot be shown just now. Try again in a few seconds.")
    else:
        message = _http_message(exc.code)
    typed = (typed_lines(form.fields if form else [], request.form)
             if exc.code == 503 and request.endpoint == "webform.submit_page" else [])
    return render_template(
        "webform/message.html", form=form, status=exc.code, message=message, typed=typed,
        typed_label=_("What you wrote, to send again:"),
    ), exc.code


# ---------------------------------------------------------------------------
# Hosted page (works without JavaScript; also the page an iframe shows)
# ---------------------------------------------------------------------------


@bp.get("/f/<slug>")
@public
def page(slug: str):
    form = load_form(slug)
    values = {"_page": request.url, "_referrer": request.referrer or ""}
    return _render_form(form, values, token=fill_token(form))


@bp.post("/f/<slug>")
@public
@csrf_exempt
@machine_text
@limited
def submit_page(slug: str):
    form = load_form(slug, switched_off=True)
    if is_foreign_post(form):
        abort(403)
    if request.mimetype not in FORM_TYPES:
        raise UnsupportedMediaType()
    if not form.enabled:
        return _switched_off_response(form)
    data = request.form.to_dict()
    meta = _meta(data)
    token = data.get("_ts", "")
    if token and is_used_token(token):
        return _thanks_response(form)  # the same filled form sent twice: one lead is enough
    try:
        reason = spam_reason(form, data, check_time=True, from_page=True,
                             from_site=is_from_allowed_site(form))
    except TokenExpired:
        message = _("This page was open for a long time. Check your details and send them again.")
        return _render_form(form, data, token=fill_token(form, filled=True), message=message,
                            status=422)
    if is_sent_again(form, data, reason):
        return _thanks_response(form)
    if reason:
        record_spam(form, data, meta, reason)
        return _thanks_response(form)
    values, errors = clean_submission(form_fields(form.fields), data)
    if errors:
        return _render_form(form, data, token=token, errors=errors, status=422,
                            message=_("Some fields need your attention."))
    problem = captcha_problem(form, request)
    if problem:
        record_spam(form, data, meta, "captcha")
        return _render_form(form, data, token=token, message=problem, status=422)
    if token and not use_fill_token(form, token):
        return _thanks_response(form)  # the same filled form sent twice: one lead is enough
    try:
        capture(form, values, meta)
    except DBAPIError:
        if token:
            release_fill_token(token)  # nothing was stored: the same filled form may come again
        raise
    return _thanks_response(form)


@bp.get("/f/<slug>/thanks")
@public
def thanks(slug: str):
    form = load_form(slug)
    return render_template("webform/message.html", form=form, status=200,
                           message=form.thank_you_message or _default_thanks())


# ---------------------------------------------------------------------------
# For developers and the snippet: JSON, with CORS for the form's origins
# ---------------------------------------------------------------------------


@bp.route("/f/<slug>.json", methods=["POST", "OPTIONS"])
@public
@csrf_exempt
@machine_text
@limited
@idempotent(_form_key)
def submit_json(slug: str):
    if request.method == "OPTIONS":
        # A switched-off form's site may still ask, so that it can read the 404 that says so.
        return preflight(load_form(slug, switched_off=True))
    form = load_form(slug)
    if is_foreign_post(form):
        return _json_error(403, "forbidden", _("This website may not send this form."))
    if not request.is_json:
        raise UnsupportedMediaType()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _json_error(400, "bad_json", _("Send the fields as a JSON object."))
    meta = _meta(data)
    token = data.get("_ts")
    if isinstance(token, str) and token and is_used_token(token):
        return _json_received(form)  # the same filled form sent twice: one lead is enough
    try:
        # Programs have no page to time; a token sent along is still checked.
        reason = spam_reason(form, data, check_time="_ts" in data)
    except TokenExpired:
        return _json_error(422, "expired", _("The form token expired. Fetch a new one."),
                           {"_ts": _("Expired.")})
    if is_sent_again(form, data, reason):
        return _json_received(form)
    if reason:
        record_spam(form, data, meta, reason)
        return _json_received(form)
    values, errors = clean_submission(form_fields(form.fields), data)
    if errors:
        return _json_error(422, "invalid", _("Some fields need your attention."), errors)
    problem = captcha_problem(form, request)
    if problem:
        record_spam(form, data, meta, "captcha")
        return _json_error(422, "captcha", problem)
    if isinstance(token, str) and not use_fill_token(form, token):
        return _json_received(form)  # the same filled form sent twice: one lead is enough
    try:
        capture(form, values, meta)
    except DBAPIError:
        if isinstance(token, str):
            release_fill_token(token)
        raise
    return _json_received(form)


@bp.route("/f/<slug>/token", methods=["GET", "OPTIONS"])
@public
def token(slug: str):
    if request.method == "OPTIONS":
        return preflight(load_form(slug, switched_off=True))
    form = load_form(slug)
    return jsonify({"token": fill_token(form)})


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def is_sent_again(form: WebForm, data: dict[str, Any], reason: str) -> bool:
    """Tell whether a form held for coming too fast is one already taken in, sent again:
    Back in the browser shows the form with what was typed but a new token."""
    if reason != "filled too fast":
        return False
    values, errors = clean_submission(form_fields(form.fields), data)
    return not errors and was_received(form, values)



def _render_form(
    form: WebForm,
    values: dict[str, Any],
    *,
    token: str,
    errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Response:
    widgets = [html for html in get_hook("kanban_webform_captcha_html")(form=form) if html]
    html = render_template(
        "webform/hosted.html",
        form=form,
        fields=form_fields(form.fields),
        values=values,
        errors=errors or {},
        message=message,
        token=token,
        honeypot=HONEYPOT,
        captcha=Markup("").join(widgets),
        embedded=request.args.get("embed") == "1",
    )
    return Response(html, status=status, mimetype="text/html")


def _switched_off_response(form: WebForm) -> Response:
    """Tell a visitor the form was switched off while they typed, and give them back what
    they wrote to copy: nothing is taken in."""
    html = render_template(
        "webform/message.html", form=form, status=404,
        message=_("This form has been switched off, so your message was not sent. "
                  "Copy what you wrote below to keep it."),
        typed=typed_lines(form.fields, request.form), typed_label=_("What you wrote:"),
        embedded=request.args.get("embed") == "1",
    )
    return Response(html, status=404, mimetype="text/html")


def _thanks_response(form: WebForm) -> Response:
    target = form.redirect_url or url_for("webform.thanks", slug=form.slug,
                                          embed=request.args.get("embed") or None)
    return redirect(target, code=303)


def _json_received(form: WebForm) -> Response:
    response = jsonify({
        "status": "received",
        "message": form.thank_you_message or _default_thanks(),
        "redirect": form.redirect_url or None,
    })
    response.status_code = 201
    return response


def _json_error(status: int, code: str, message: str, fields: dict | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    return response


def _meta(data: dict[str, Any]) -> dict[str, Any]:
    """Describe where a submission came from, for the lead's timeline."""
    page_url = data.get("_page") if isinstance(data.get("_page"), str) else ""
    referrer = data.get("_referrer") if isinstance(data.get("_referrer"), str) else ""
    origin = request.headers.get("Origin", "")
    return remove_unstorable({
        "submitted_at": utcnow().isoformat(),
        "page_url": (page_url or request.referrer or "")[:META_LIMIT],
        "referrer": referrer[:META_LIMIT],
        "ip": request.remote_addr or "",
        "user_agent": request.user_agent.string[:META_LIMIT],
        "via": "json" if request.is_json else ("page" if not origin or is_own_origin(origin)
                                                 else "snippet"),
    })


def _default_thanks() -> str:
    return _("Thank you! We received your message and will get back to you soon.")


def _http_code(status: int | None) -> str:
    return {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
            413: "too_large", 415: "unsupported_media_type", 429: "too_many_requests",
            503: "unavailable"}.get(
        status or 500, "error")


def _http_message(status: int | None) -> str:
    return {
        403: _("This website may not send this form."),
        404: _("This form does not exist or is switched off."),
        405: _("This address does not accept that method."),
        413: _("What you sent is too large. Shorten your message and send it again."),
        415: _("Send the form as a web form (or JSON to the .json address)."),
        429: _("Too many messages were sent from your network just now. "
               "Wait a minute and send it again."),
        503: _("The submission could not be saved just now. Send it again in a few seconds."),
    }.get(status or 500, _("Something went wrong on our side. Try again in a moment."))
