"""The board's filters in the reader's words, for a page that says which leads it holds
(an export, the record of one): "Owner: Ana Silva", not "owner: 4"."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban.extensions import db
from kanban.models import Client, Pipeline, Stage, User
from kanban.services.lead_input import is_id
from kanban.services.priorities import CLIENTS, PROSPECTS, RATINGS
from kanban.services.queries import (
    NOBODY,
    OVERDUE,
    PROPOSALS,
    STALE,
    STATUS_ALL,
    STATUS_CLOSED,
    TO_DO,
)
from kanban.words import status_name

LABELS = {
    "pipeline_id": _l("Pipeline"),
    "stage_id": _l("Stage"),
    "owner_id": _l("Owner"),
    "client_id": _l("Client folder"),
    "tag": _l("Tag"),
    "priority": _l("Priority"),
    "starred": _l("Starred only"),
    "attention": _l("Needs attention"),
    "status": _l("Status"),
    "q": _l("Search"),
    "created_from": _l("Created from"),
    "created_to": _l("Created until"),
}
ATTENTION_NAMES = {TO_DO: _l("To do now"), OVERDUE: _l("Overdue"), STALE: _l("Stale"),
                   PROPOSALS: _l("Proposals in progress")}
NAMED = {"pipeline_id": Pipeline, "stage_id": Stage, "owner_id": User, "client_id": Client}


def filter_words(args: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each filter set in ``args`` (as ``LeadFilter.to_args`` writes them) as its label
    and its value in words, in the board's order of filters; a value no longer known (a
    deleted stage) as it was given."""
    order = {name: index for index, name in enumerate(LABELS)}
    return [(str(LABELS.get(name, name)), _value_words(name, str(args[name])))
            for name in sorted(args, key=lambda name: (order.get(name, len(order)), name))]


def _value_words(name: str, value: str) -> str:
    if name == "owner_id" and value == NOBODY:
        return _("Nobody")
    if name in NAMED:
        number = int(value) if value.isascii() and value.isdigit() else None
        found = db.session.get(NAMED[name], number) if is_id(number) else None
        return found.name if found is not None else f"#{value}"
    if name == "status":
        return {STATUS_ALL: _("All"), STATUS_CLOSED: _("All closed")}.get(value) or status_name(
            value)
    if name == "attention" and value in ATTENTION_NAMES:
        return str(ATTENTION_NAMES[value])
    if name == "priority":
        return _priority_words(value)
    if name == "starred":
        return _("Yes")
    if name in ("created_from", "created_to"):
        try:
            from kanban.templating import day  # the app's one way of writing a day

            return day(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def _priority_words(value: str) -> str:
    if value == CLIENTS:
        return _("Every client")
    if value == PROSPECTS:
        return _("Every prospect")
    if value in RATINGS:
        return _("Client %(rating)s", rating=value)
    return _("Prospect %(priority)s", priority=value)
