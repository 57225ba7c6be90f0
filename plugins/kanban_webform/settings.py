"""The plugin's settings, each overridable in the app config (or a KANBAN_* variable)."""

from __future__ import annotations

from typing import Any

from flask import current_app

DEFAULTS: dict[str, Any] = {
    "WEBFORM_DUPLICATE_DAYS": 30,  # fold a submission into an open lead active this recently
    "WEBFORM_MIN_FILL_SECONDS": 3,  # a person needs at least this long to fill a form
    "WEBFORM_TOKEN_MAX_AGE": 2 * 24 * 3600,  # a form left open longer is sent again
    "WEBFORM_LIMIT_PER_IP": "10 per minute;60 per hour",
    "WEBFORM_LIMIT_PER_FORM": "120 per minute",
    "WEBFORM_MAX_BODY_BYTES": 64 * 1024,
    "WEBFORM_CAPTCHA_ORIGINS": [],  # script/frame origins a CAPTCHA widget needs
    "WEBFORM_PUBLIC_URL": "",  # the address visitors reach the app at, for embed code
}


def setting(name: str) -> Any:
    """Return a setting from the app config, else its default."""
    return current_app.config.get(name, DEFAULTS[name])
