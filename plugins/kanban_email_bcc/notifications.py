"""Telling people that mail could not be filed or was refused: the dropbox's owner (the
teammate who sent it), else managers."""

from __future__ import annotations

import math
from typing import Any

from babel.units import format_unit
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban.extensions import db
from kanban.models import User
from kanban.notify.store import notify, settle
from kanban.services.users import active_users
from kanban.ui import NotificationKind
from kanban.uploads import MEGABYTE, size_limit
from kanban_email_bcc.models import can_open_quarantine
from kanban_email_bcc.reasons import words

UNFILED = "email_unfiled"
TOO_BIG = "email_too_big"


def _text(payload: dict[str, Any]) -> str:
    reason = words(payload.get("reason", ""))
    subject = payload.get("subject")  # which message, so that its sender knows it again
    if payload.get("quarantine_open"):  # told to someone who can open the quarantine
        if subject:
            return _("The message “%(subject)s” could not be filed and waits in the "
                     "quarantine: %(reason)s", subject=subject, reason=reason)
        return _("A message could not be filed and waits in the quarantine: %(reason)s",
                 reason=reason)
    if subject:
        return _("The message “%(subject)s” could not be filed (%(reason)s). Ask an admin to "
                 "look at it in the quarantine.", subject=subject, reason=reason)
    return _("A message could not be filed (%(reason)s). Ask an admin to look at it in the "
             "quarantine.", reason=reason)


def _too_big_text(payload: dict[str, Any]) -> str:
    values = {"sender": payload.get("sender", ""), "size": _message_size(payload["size"]),
              "limit": size_limit(payload["limit"])}
    if payload.get("owner_told"):
        if values["sender"]:
            return _("A message from %(sender)s to your dropbox was refused: %(size)s, over the "
                     "%(limit)s limit. Ask them to send it in parts or as a link.", **values)
        return _("A message to your dropbox was refused: %(size)s, over the %(limit)s limit. "
                 "Ask its sender to send it in parts or as a link.", **values)
    if values["sender"]:
        return _("A message from %(sender)s to a dropbox was refused: %(size)s, over the "
                 "%(limit)s limit. Ask them to send it in parts or as a link.", **values)
    return _("A message to a dropbox was refused: %(size)s, over the %(limit)s limit. Ask its "
             "sender to send it in parts or as a link.", **values)


def _message_size(size: int) -> str:
    """A refused message's size in its limit's unit ("26.9 MB"), rounded up: a message
    over the limit never reads as the limit itself."""
    return format_unit(math.ceil(size * 10 / MEGABYTE) / 10, "digital-megabyte", "short",
                       format="#,##0.#", locale=get_locale())


KINDS = [NotificationKind(UNFILED, _l("Mail I sent could not be filed"), _text),
         NotificationKind(TOO_BIG, _l("A message to my dropbox was too big"), _too_big_text)]


def tell_unfiled(reason: str, user_id: int | None, quarantine_id: int,
                 subject: str = "") -> None:
    """Tell the teammate whose mail it was; when nobody is known, the managers. Whoever
    cannot open the quarantine is told to ask an admin."""
    if user_id is not None:
        owner = db.session.get(User, user_id)
        people = [owner] if owner is not None else []
    else:
        people = [person for person in active_users() if person.is_manager]
    for can_open in (True, False):
        notify(UNFILED, [person.id for person in people
                         if can_open_quarantine(person) == can_open],
               payload={"reason": reason[:200], "quarantine_id": quarantine_id,
                        "subject": subject[:200], "quarantine_open": can_open},
               once_key=_once_key(quarantine_id))


def settle_unfiled(quarantine_id: int) -> None:
    """The message left the quarantine, filed: what said it waits there is read."""
    settle(once_key=_once_key(quarantine_id))


def _once_key(quarantine_id: int) -> str:
    return f"email-quarantine:{quarantine_id}"


def tell_too_big(size: int, limit: int, *, owner_id: int | None, sender: str | None,
                 log_entry_id: int | None) -> None:
    """Tell the dropbox's owner that a message to it was refused for its size, once (when
    it is not known whose dropbox it was, the managers): its sender can be asked to send
    it in parts or as a link."""
    people = ([owner_id] if owner_id is not None
              else [person.id for person in active_users() if person.is_manager])
    sender = (sender or "").strip()
    notify(TOO_BIG, people,
           payload={"size": size, "limit": limit, "owner_told": owner_id is not None,
                    "sender": "" if sender == "<>" else sender[:254]},
           once_key=f"email-too-big:{log_entry_id}" if log_entry_id is not None else None)
