"""The code a customer pastes into their own website to show a form."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import render_template

from kanban.i18n import in_language
from kanban.notify.links import public_url
from kanban_webform.fields import HONEYPOT, form_fields
from kanban_webform.models import WebForm
from kanban_webform.settings import setting


def public_base_url() -> str:
    """Return the address visitors reach the app at: the web forms' own, else the team's
    (``KANBAN_PUBLIC_URL``), else this request's, with the path the app is mounted under."""
    return (setting("WEBFORM_PUBLIC_URL") or public_url()).rstrip("/")


def snippet_html(form: WebForm, base_url: str | None = None) -> str:
    """Return a plain HTML form that posts to the hosted endpoint, with a tiny script, in
    the language the form speaks to its visitors."""
    base = base_url or public_base_url()
    with in_language(form.language):
        return render_template(
            "webform/snippet.html",
            form=form,
            fields=form_fields(form.fields),
            honeypot=HONEYPOT,
            action=f"{base}/f/{form.slug}",
            token_url=f"{base}/f/{form.slug}/token",
        ).strip() + "\n"


def iframe_html(form: WebForm, base_url: str | None = None) -> str:
    """Return an iframe showing the hosted page (needs the site among allowed origins),
    with a line of script that makes it as tall as the form."""
    base = base_url or public_base_url()
    parts = urlsplit(base)
    return render_template("webform/iframe.html", form=form, origin=f"{parts.scheme}://{parts.netloc}",
                           src=f"{base}/f/{form.slug}?embed=1").strip() + "\n"


def json_example(form: WebForm, base_url: str | None = None) -> str:
    """Return a curl command that sends the form as JSON."""
    base = base_url or public_base_url()
    body = {field.key: "…" for field in form_fields(form.fields)}
    return (f"curl -X POST {base}/f/{form.slug}.json \\\n"
            f"  -H 'Content-Type: application/json' \\\n"
            f"  -d '{json.dumps(body, ensure_ascii=False)}'\n")
