"""Hooks of the web-form plugin, so that another plugin can add a CAPTCHA.

Added to the plugin manager through the core's ``kanban_add_hookspecs`` hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from flask import Request
    from markupsafe import Markup

    from kanban_webform.models import WebForm

hookspec = pluggy.HookspecMarker("kanban")


@hookspec
def kanban_webform_captcha_html(form: WebForm) -> Markup | None:
    """Return the CAPTCHA widget to show in a web form, above its send button.

    Called each time the hosted form page renders (also when it is shown again with
    errors), with the ``WebForm`` being shown. Returns ``Markup`` rendered from the
    plugin's own template (it must escape what it shows), or None; every plugin's
    widget is shown. Scripts the widget loads must come from an origin listed in
    ``WEBFORM_CAPTCHA_ORIGINS``, which the page's Content-Security-Policy allows.
    """


@hookspec(firstresult=True)
def kanban_webform_verify_captcha(form: WebForm, request: Request) -> str | None:
    """Check the CAPTCHA answer of a web-form submission.

    Called for every submission (hosted page and JSON) after the honeypot and the
    fill-time checks passed and before anything is written, with the ``WebForm`` and
    the Flask ``request`` (read the widget's field from ``request.form`` or
    ``request.get_json()``). Return a sentence for the visitor ("Confirm that you
    are not a robot.") to refuse the submission: the form is shown again with it
    (JSON: 422) and the submission is kept in the spam list. Return None to accept.
    The first plugin that refuses stops the call.
    """
