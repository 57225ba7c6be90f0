"""Security headers on every response (a view may set its own first), and safe redirects."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Flask


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
        return response


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
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
