"""Telling people that mail could not be filed: the teammate who sent it, else managers."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban.notify.store import notify, settle
from kanban.services.users import active_users
from kanban.ui import NotificationKind
from kanban_email_bcc.reasons import words

UNFILED = "email_unfiled"


def _text(payload: dict[str, Any]) -> str:
    reason = words(payload.get("reason", ""))
    if payload.get("subject"):  # which message, so that its sender knows it again
        return _("The message “%(subject)s” could not be filed and waits in the quarantine: "
                 "%(reason)s", subject=payload["subject"], reason=reason)
    return _("A message could not be filed and waits in the quarantine: %(reason)s",
             reason=reason)


KINDS = [NotificationKind(UNFILED, _l("Mail I sent could not be filed"), _text)]


def tell_unfiled(reason: str, user_id: int | None, quarantine_id: int,
                 subject: str = "") -> None:
    """Tell the teammate whose mail it was; when nobody is known, the managers."""
    people = ([user_id] if user_id is not None
              else [person.id for person in active_users() if person.is_manager])
    notify(UNFILED, people, payload={"reason": reason[:200], "quarantine_id": quarantine_id,
                                     "subject": subject[:200]},
           once_key=_once_key(quarantine_id))


def settle_unfiled(quarantine_id: int) -> None:
    """The message left the quarantine, filed: what said it waits there is read."""
    settle(once_key=_once_key(quarantine_id))


def _once_key(quarantine_id: int) -> str:
    return f"email-quarantine:{quarantine_id}"
