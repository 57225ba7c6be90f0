"""Which other websites may embed a form, and the headers that tell browsers so."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Response, current_app, request

from kanban.idempotency import KEY_HEADER, REPLAYED_HEADER
from kanban_webform.models import WebForm

log = logging.getLogger(__name__)
SCHEME_TOLD = "kanban_webform_scheme_told"  # app.extensions: the proxy's hint was logged


def normalize_origin(text: str) -> str | None:
    """Return ``scheme://host[:port]`` for an origin or URL typed by a person, else None."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.username or parts.password:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def own_origin() -> str:
    return request.host_url.rstrip("/")


def request_origin() -> str:
    return request.headers.get("Origin", "")


def is_own_origin(origin: str) -> bool:
    """Tell whether ``origin`` is the app's own address.

    Behind a proxy (KANBAN_PROXY_FIX_HOPS) the https address of the app's own host is its own
    too: a proxy that serves HTTPS without sending X-Forwarded-Proto makes the app believe
    it is served over http, yet only that proxy serves pages on that host over https. The
    other way (an http page for an https app) stays refused: anyone on the network between
    the visitor and the proxy could write such a page."""
    own = own_origin()
    if origin == own:
        return True
    if not (current_app.config.get("PROXY_FIX_HOPS") and _is_https_twin(origin, own)):
        return False
    if not current_app.extensions.get(SCHEME_TOLD):
        current_app.extensions[SCHEME_TOLD] = True
        log.warning("A web form was sent from %s while the app believes it is served at %s: "
                    "the proxy in front of the app does not send X-Forwarded-Proto (nginx: "
                    "proxy_set_header X-Forwarded-Proto $scheme;). The form is accepted, "
                    "being the app's own page; said once per process.", origin, own)
    return True


def _is_https_twin(origin: str, own: str) -> bool:
    """``origin`` is ``own`` (an http address) over https, on the same host."""
    page, app = urlsplit(origin), urlsplit(own)
    return (app.scheme == "http" and page.scheme == "https" and bool(page.hostname)
            and page.hostname == app.hostname and page.port in (None, 443)
            and app.port in (None, 80, 443))


def is_allowed_origin(form: WebForm, origin: str) -> bool:
    """Tell whether a browser on ``origin`` may send this form (the app itself always may)."""
    if not origin:
        return False
    return is_own_origin(origin) or origin in (form.allowed_origins or [])


def is_foreign_post(form: WebForm) -> bool:
    """Tell whether a browser on a site that is not allowed is sending the form (the
    refusal is logged: each one is a lead lost).

    No origin (a program) or "null" (a browser hiding where the visitor is, e.g. under
    ``Referrer-Policy: no-referrer``) is let through: the other checks still apply.
    """
    origin = request_origin()
    if origin in ("", "null") or is_allowed_origin(form, origin):
        return False
    say_refused(form, origin)
    return True


def say_refused(form: WebForm, origin: str) -> None:
    """Log a refused origin beside the ones the form accepts, with the likely cause."""
    own = own_origin()
    page, app = urlsplit(origin), urlsplit(own)
    if page.hostname and page.hostname == app.hostname:  # the app's own page, seen otherwise
        cause = ("the page is the app's own on another scheme or port: the proxy in front of "
                 "the app probably does not send X-Forwarded-Proto (nginx: proxy_set_header "
                 "X-Forwarded-Proto $scheme;)"
                 + ("" if current_app.config.get("PROXY_FIX_HOPS")
                    else ", or KANBAN_PROXY_FIX_HOPS is 0 so the app ignores it"))
    else:
        cause = "add that website to the form's websites if it is yours"
    log.warning("Web form %r refused a submission from %s: the app expects its own address "
                "%s or one of the form's websites (%s); %s.", form.slug, origin, own,
                ", ".join(form.allowed_origins or []) or "none", cause)


def is_from_allowed_site(form: WebForm) -> bool:
    """Tell whether a browser on one of the form's websites (not the app's own pages) sent
    this request."""
    origin = request_origin()
    return not is_own_origin(origin) and is_allowed_origin(form, origin)


def add_cors_headers(response: Response, form: WebForm) -> Response:
    """Let the requesting site read the answer when it is one of the form's origins."""
    response.vary.add("Origin")
    if is_from_allowed_site(form):
        response.headers["Access-Control-Allow-Origin"] = request_origin()
        response.headers["Access-Control-Expose-Headers"] = REPLAYED_HEADER
    return response


def preflight(form: WebForm) -> Response:
    """Answer a browser's CORS preflight: yes for the form's origins, no for the rest."""
    response = Response(status=204)
    response.vary.add("Origin")
    origin = request_origin()
    if not is_allowed_origin(form, origin):
        if origin:
            say_refused(form, origin)
        response.status_code = 403
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Methods"] = "GET, POST"
    response.headers["Access-Control-Allow-Headers"] = f"Content-Type, Accept, {KEY_HEADER}"
    response.headers["Access-Control-Max-Age"] = "600"
    return response


def frame_policy(form: WebForm, *, extra_form_action: str = "", script_origins=()) -> str:
    """Return the hosted page's Content-Security-Policy: framed only by the form's origins."""
    ancestors = " ".join(["'self'", *(form.allowed_origins or [])])
    scripts = " ".join(["'self'", *script_origins])
    form_action = " ".join(filter(None, ["'self'", extra_form_action]))
    return (
        f"default-src 'self'; script-src {scripts}; frame-src {scripts}; "
        f"style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src {scripts}; "
        f"form-action {form_action}; frame-ancestors {ancestors}; base-uri 'self'; "
        "object-src 'none'"
    )
