"""The kinds of notification: the core's own, and those plugins register."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from kanban.plugins import collect
from kanban.ui import NotificationKind
from kanban.words import status_name

ASSIGNED = "lead_assigned"
UNASSIGNED = "lead_unassigned"
MOVED = "lead_moved"
CLOSED = "lead_closed"
OVERDUE = "follow_up_overdue"
STAGE_RULE = "stage_rule"
CLIENT_WROTE = "client_wrote"


def _assigned(payload: dict[str, Any]) -> str:
    count = payload.get("count", 1)
    if count > 1:
        return ngettext("%(num)d new leads are yours.", "%(num)d new leads are yours.", count)
    if payload.get("actor"):
        return _("%(actor)s gave you “%(title)s”.", actor=payload["actor"],
                 title=payload.get("title", ""))
    return _("“%(title)s” is yours: a new lead.", title=payload.get("title", ""))


def _unassigned(payload: dict[str, Any]) -> str:
    count = payload.get("count", 1)
    if count > 1:
        return ngettext("%(num)d new lead waits for an owner.",
                        "%(num)d new leads wait for an owner.", count)
    return _("New lead waiting for an owner: “%(title)s”.", title=payload.get("title", ""))


def _moved(payload: dict[str, Any]) -> str:
    return _("%(actor)s moved your lead “%(title)s” to %(stage)s.",
             actor=payload.get("actor", ""), title=payload.get("title", ""),
             stage=payload.get("stage", ""))


def _closed(payload: dict[str, Any]) -> str:
    return _("%(actor)s closed your lead “%(title)s” as %(status)s.",
             actor=payload.get("actor", ""), title=payload.get("title", ""),
             status=status_name(payload.get("status", "")).lower())


def _overdue(payload: dict[str, Any]) -> str:
    return _("Your follow-up on “%(title)s” is overdue.", title=payload.get("title", ""))


def _stage_rule(payload: dict[str, Any]) -> str:
    return _("“%(title)s” entered %(stage)s, whose rule tells you.",
             title=payload.get("title", ""), stage=payload.get("stage", ""))


def _client_wrote(payload: dict[str, Any]) -> str:
    if payload.get("words"):
        return _("A client wrote on “%(title)s”: %(words)s", title=payload.get("title", ""),
                 words=payload["words"])
    return _("A client wrote on “%(title)s”.", title=payload.get("title", ""))


CORE_KINDS = (
    NotificationKind(ASSIGNED, _l("A lead is given to me"), _assigned, default_email=True),
    NotificationKind(UNASSIGNED, _l("A new lead waits for an owner"), _unassigned,
                     default_email=True),
    NotificationKind(CLIENT_WROTE, _l("A client writes on a lead of mine"), _client_wrote,
                     default_email=True),
    NotificationKind(MOVED, _l("Someone else moves a lead of mine"), _moved),
    NotificationKind(CLOSED, _l("Someone else closes a lead of mine"), _closed),
    NotificationKind(OVERDUE, _l("A follow-up of mine is overdue"), _overdue),
    NotificationKind(STAGE_RULE, _l("A lead enters a stage whose rule names me"), _stage_rule,
                     default_email=True),
)


def notification_kinds() -> dict[str, NotificationKind]:
    """Return every kind by name: the core's, then the plugins' in their order (asked of
    the plugins once per request or command)."""
    if "kanban_notification_kinds" not in g:
        kinds = {kind.name: kind for kind in CORE_KINDS}
        for kind in collect("kanban_register_notification_kinds"):
            kinds.setdefault(kind.name, kind)
        g.kanban_notification_kinds = kinds
    return g.kanban_notification_kinds
