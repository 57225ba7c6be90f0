"""The page a form is on, for forms posted to an address of their own.

A refused form is shown again, its input kept and its bad fields named, in the answer to
the POST: the browser's address is then the form's, which takes only POST. A view marked
with the page its form is on lets that answer take the page's address back (a reload opens
the page, without sending the form again) and sends a GET at the form's address (the
address bar, a bookmark, a tab restored) to the page, instead of answering 405.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import current_app, request, url_for
from werkzeug.exceptions import HTTPException

F = TypeVar("F", bound=Callable)


def form_on(page: str) -> Callable[[F], F]:
    """Mark a POST view as a form on ``page`` (an endpoint, given the same URL arguments)."""

    def mark(view: F) -> F:
        view.form_page = page  # type: ignore[attr-defined]
        return view

    return mark


def page_address(endpoint: str | None, args: Mapping[str, Any]) -> str | None:
    """Return the address of the page the view ``endpoint`` is a form on, if marked."""
    page = getattr(current_app.view_functions.get(endpoint or ""), "form_page", None)
    if page is None:
        return None
    wanted = {name for rule in current_app.url_map.iter_rules(page) for name in rule.arguments}
    return url_for(page, **{name: value for name, value in args.items() if name in wanted})


def posted_form_page(shown: str | None = None) -> str | None:
    """Return the address of the page shown in answer to a posted form: ``shown`` when the
    view says which, else the page the form is on; None when nothing was posted."""
    if request.method != "POST":
        return None
    return shown or page_address(request.endpoint, request.view_args or {})


def form_address_page() -> str | None:
    """Return the page's address for a GET at the address of a form it holds, or None."""
    if request.method not in ("GET", "HEAD"):
        return None
    try:
        endpoint, args = current_app.create_url_adapter(request).match(method="POST")
    except HTTPException:
        return None
    return page_address(endpoint, args)
