"""Telling managers that web-form submissions wait in spam review (once a day per form)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban.models.base import today
from kanban.notify.store import notify
from kanban.services.users import active_users
from kanban.ui import NotificationKind
from kanban_webform.models import WebForm

SPAM_HELD = "webform_spam_held"


def _text(payload: dict[str, Any]) -> str:
    return _("Web form “%(form)s”: a submission is held as spam. Review it.",
             form=payload.get("form", ""))


KINDS = [NotificationKind(SPAM_HELD, _l("A web-form submission is held as spam (managers)"),
                          _text, managers_only=True)]


def tell_spam_held(form: WebForm) -> None:
    """Tell the managers, at most once a day for each form however many bots post."""
    notify(SPAM_HELD, [person.id for person in active_users()], payload={"form": form.name},
           once_key=f"webform-spam:{form.id}:{today().isoformat()}")
