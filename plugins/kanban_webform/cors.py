"""Which other websites may embed a form, and the headers that tell browsers so."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, request

from kanban.idempotency import KEY_HEADER, REPLAYED_HEADER
from kanban_webform.models import WebForm


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


def is_allowed_origin(form: WebForm, origin: str) -> bool:
    """Tell whether a browser on ``origin`` may send this form (the app itself always may)."""
    if not origin:
        return False
    return origin == own_origin() or origin in (form.allowed_origins or [])


def is_foreign_post(form: WebForm) -> bool:
    """Tell whether a browser on a site that is not allowed is sending the form.

    No origin (a program) or "null" (a browser hiding where the visitor is, e.g. under
    ``Referrer-Policy: no-referrer``) is let through: the other checks still apply.
    """
    origin = request_origin()
    return origin not in ("", "null") and not is_allowed_origin(form, origin)


def is_from_allowed_site(form: WebForm) -> bool:
    """Tell whether a browser on one of the form's websites (not the app's own pages) sent
    this request."""
    origin = request_origin()
    return origin != own_origin() and is_allowed_origin(form, origin)


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
