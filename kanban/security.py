"""Security headers on every response (a view may set its own first), and safe redirects."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, request
from flask_babel import gettext as _

from kanban.errors import ServiceError
from kanban.text import has_control_characters


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src {script_sources(app)}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
            "frame-ancestors 'self'; base-uri 'self'; object-src 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if _is_private(app):
            response.headers["Cache-Control"] = "no-store"
        return response


class CookiesUnderPrefix:
    """Scope the cookies set for the whole site (the session, the remember-me login, the
    language) to the app's prefix, so that under /crm another app of the same host never
    gets them. Flask and Flask-Login set one fixed path; the prefix is known per request
    (SCRIPT_NAME, or X-Forwarded-Prefix through ProxyFix, which wraps this)."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        prefix = environ.get("SCRIPT_NAME", "").rstrip("/")
        if not prefix:
            return self.wsgi_app(environ, start_response)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [(name, cookie_under(prefix, value) if name.lower() == "set-cookie"
                        else value) for name, value in headers]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def cookie_under(prefix: str, cookie: str) -> str:
    """The Set-Cookie value with the site-wide path ``/`` narrowed to ``prefix``."""
    parts = cookie.split("; ")
    return "; ".join(f"Path={prefix}" if part == "Path=/" else part for part in parts)


def _is_private(app: Flask) -> bool:
    """Tell whether the answer is for a logged-in person only: no browser or proxy may keep
    it (a shared computer's back button, a cache). Public pages and static files may be."""
    endpoint = request.endpoint or ""
    view = app.view_functions.get(endpoint)
    if view is None or endpoint == "static" or endpoint.endswith(".static"):
        return False
    return not getattr(view, "is_public", False)


def script_sources(app: Flask) -> str:
    """The CSP script sources: this site, plus the exact SortableJS URL when it is elsewhere."""
    if app.config.get("SORTABLE_JS_LOCAL"):
        return "'self'"
    parts = urlsplit(app.config["SORTABLE_JS_URL"])
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return "'self'"
    return f"'self' {parts.scheme}://{parts.netloc}{quote(parts.path, safe='/@%~+-._')}"


def local_path(target: str | None) -> str | None:
    """Return ``target`` when it is a path on this site (safe to redirect to), else None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers drop tabs and newlines and read a backslash as a slash, so "/\\evil.example"
    # or "/\t/evil.example" would leave the site.
    if "\\" in target or has_control_characters(target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def posted_return_to() -> str | None:
    """Return the page a form asks to go back to; raise ServiceError (400) for one that is
    not a path on this site, before anything is written."""
    target = request.form.get("return_to")
    if not target:
        return None
    path = local_path(target)
    if path is None:
        raise ServiceError(_("This form came with a wrong return address. Go back to the page, "
                             "reload it and try again."))
    return path
