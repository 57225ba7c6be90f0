"""Stored keys shown in the reader's words.

Statuses, next actions, timeline entry kinds and the system's own timeline lines are stored
as keys (``won``, ``standby``, ``call``, ``{"event": "closed"}``) and put into words only
when shown, so a Spanish reader sees Spanish and a colleague reading the same lead in
Russian sees Russian, on pages, in the API and in exports.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban.plugins import get_hook
from kanban.services.sources import lead_sources, source_name

STATUS_NAMES = {
    "open": _l("Open"),
    "won": _l("Won"),
    "lost": _l("Lost"),
    "cancelled": _l("Cancelled"),
}
NEXT_ACTION_NAMES = {"todo": _l("To do"), "standby": _l("Standby")}
ENTRY_KIND_NAMES = {
    "note": _l("Note"),
    "call": _l("Call"),
    "email": _l("Email"),
    "meeting": _l("Meeting"),
    "stage_change": _l("Stage"),
    "edit": _l("Changes"),
    "system": _l("System"),
}
PURPOSE_NAMES = {"renewal": _l("renewal"), "upsell": _l("upsell")}


def _named(names: dict[str, Any], key: str | None) -> str:
    return str(names[key]) if key in names else key or ""


def status_name(status: str | None) -> str:
    """Name a lead's status (open, won, lost, cancelled) in the reader's words."""
    return _named(STATUS_NAMES, status)


def next_action_name(kind: str | None) -> str:
    """Name a next action (to do, standby) in the reader's words."""
    return _named(NEXT_ACTION_NAMES, kind)


def entry_kind_name(kind: str | None) -> str:
    """Name a kind of timeline entry (note, call...); a lead source's own kind by the
    source's name; any other as stored."""
    if kind in ENTRY_KIND_NAMES:
        return str(ENTRY_KIND_NAMES[kind])
    return next((str(source.label) for source in lead_sources()
                 if kind and source.entry_kind == kind), kind or "")


def purpose_name(purpose: str | None) -> str:
    """Name why a lead was duplicated (a renewal or an upsell) in the reader's words."""
    return _named(PURPOSE_NAMES, purpose)


def lost_reason(text: str | None) -> str:
    """Show a stored lost reason with its configured part ("Price: ...") in the reader's words."""
    chosen, separator, written = (text or "").partition(": ")
    if chosen in current_app.config["LOST_REASONS"]:
        return _(chosen) + separator + written
    return text or ""


def lost_reason_as_stored(text: str) -> str:
    """A lost reason as it is kept: one of the configured reasons written in any of the
    team's languages ("Ha scelto un concorrente", from an integration) is kept as that
    reason, so that it reads in each reader's words and counts under it in the results."""
    from kanban.i18n import in_language

    chosen, separator, written = text.partition(": ")
    wanted = chosen.strip().casefold()
    for reason in current_app.config["LOST_REASONS"]:
        if reason.casefold() == wanted:
            return reason + separator + written
        for language in current_app.config["LANGUAGES"]:
            with in_language(language):
                if _(reason).casefold() == wanted:
                    return reason + separator + written
    return text


def timeline_text(kind: str, body: str, payload: dict[str, Any] | None) -> str:
    """Return the words of a timeline entry: the system's own lines are written from their
    stored event in the reader's language; every other entry is its body, as written."""
    payload = payload if isinstance(payload, dict) else {}
    event = payload.get("event") if kind == "system" else None
    if event == "closed":
        closed = _("Closed as %(status)s", status=status_name(payload.get("status")))
        reason = lost_reason(payload.get("lost_reason"))
        return f"{closed}: {reason}" if reason else closed
    if event == "reopened":
        return _("Reopened")
    if event == "stage_rule":
        return stage_rule_text(payload)
    if event == "duplicated":
        return _("New lead #%(id)s for a %(purpose)s.", id=payload.get("to"),
                 purpose=purpose_name(payload.get("purpose")))
    if event == "created" and not body and payload.get("duplicated_from"):
        return _("Duplicated from lead #%(id)s for a %(purpose)s.",
                 id=payload["duplicated_from"], purpose=purpose_name(payload.get("purpose")))
    origin = payload.get("origin") if event in ("created", "origin") else None
    if event == "origin" and isinstance(origin, dict):  # the same person met on a list
        return _("Also on row %(row)s of %(name)s", row=origin.get("row", ""),
                 name=origin.get("name", ""))
    if isinstance(origin, dict) and not body:  # a row of a list or a file, by its number
        return _("Lead created (%(source)s) from row %(row)s of %(name)s",
                 source=source_name(payload.get("source")), row=origin.get("row", ""),
                 name=origin.get("name", ""))
    if event == "created" and not body:
        return _("Lead created (%(source)s)", source=source_name(payload.get("source")))
    if payload:  # a plugin's entry, said by the plugin in the reader's words
        said = get_hook("kanban_ui_timeline_text")(kind=kind, body=body, payload=payload)
        if said is not None:
            return said
    return body


def stage_rule_text(payload: dict[str, Any]) -> str:
    """What a stage's rule did to a lead entering it, in the reader's words."""
    from kanban.templating import day  # the app's one way of writing a day

    done = []
    if payload.get("follow_up"):
        with suppress(ValueError):
            done.append(_("follow-up on %(date)s",
                          date=day(date.fromisoformat(payload["follow_up"]))))
    if payload.get("owner"):
        done.append(_("given to %(name)s", name=payload["owner"]))
    if payload.get("tag"):
        done.append(_("tagged %(tag)s", tag=payload["tag"]))
    if payload.get("told"):
        done.append(_("%(name)s told", name=payload["told"]))
    return _("Rule of %(stage)s: %(done)s", stage=payload.get("stage", ""),
             done=", ".join(done))
