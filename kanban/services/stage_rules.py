"""Stage rules: what happens by itself when a lead enters a stage, as an admin set it for
that stage: its follow-up in some days, a new owner, a tag, someone told.

A rule fires once each time a lead enters the stage (a move from another stage, not a
reorder within it), after the move is committed, through the core's own services (so the
edit, its outbox event and the plugins' hooks are the same as a person's), and the lead's
timeline says which rule did what. The module is one of the core's own plugins.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from kanban.hookspecs import hookimpl

if TYPE_CHECKING:
    from kanban.models import Lead, Stage, User

# The models and services are imported where they are used: the app registers this module
# at start-up, and a command that moves no lead need not load them.

MAX_DAYS = 365


def read_rules(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check a stage's rules as typed; raise ValidationError naming each bad field."""
    from kanban.errors import ValidationError
    from kanban.extensions import db
    from kanban.models import User
    from kanban.services.lead_input import TAG_LIMIT
    from kanban.text import has_unstorable

    rules: dict[str, Any] = {}
    errors: dict[str, str] = {}
    days = str(data.get("follow_up_days") or "").strip()
    if days:
        if days.isdigit() and int(days) <= MAX_DAYS:
            rules["follow_up_days"] = int(days)
        else:
            errors["follow_up_days"] = _("From 0 to %(max)d days.", max=MAX_DAYS)
    for name in ("owner_id", "notify_user_id"):
        raw = str(data.get(name) or "").strip()
        if raw:
            person = db.session.get(User, int(raw)) if raw.isdigit() and len(raw) < 10 else None
            if person is None or not person.active:
                errors[name] = _("Choose a person from the list.")
            else:
                rules[name] = person.id
    tag = str(data.get("tag") or "").strip()
    if tag:
        if len(tag) > TAG_LIMIT or has_unstorable(tag):
            errors["tag"] = _("A tag has at most 64 characters.")
        else:
            rules["tag"] = tag
    if errors:
        raise ValidationError(_("The rules of this stage are not saved: see the fields marked."),
                              fields=errors)
    return rules


def set_stage_rules(stage: Stage, data: Mapping[str, Any], *, user: User | None) -> Stage:
    from kanban.extensions import db
    from kanban.permissions import require

    if user is not None:
        require(user, "pipeline.manage")
    stage.rules = read_rules(data)
    db.session.commit()
    return stage


def apply_stage_rules(lead: Lead, stage: Stage) -> dict[str, Any] | None:
    """Do what the stage's rules say to a lead that just entered it; return what was done
    (None when the stage has no rule, or the lead is closed)."""
    from kanban.extensions import db
    from kanban.models import ActivityKind, NextActionKind, User
    from kanban.models.base import today
    from kanban.notify.kinds import STAGE_RULE
    from kanban.notify.store import notify
    from kanban.services import leads as lead_service

    rules = stage.rules or {}
    if not rules or not lead.is_open:
        return None
    changes: dict[str, Any] = {}
    done: dict[str, Any] = {"event": "stage_rule", "stage": stage.name}
    if (days := rules.get("follow_up_days")) is not None:
        when = today() + timedelta(days=days)
        changes.update(next_action_kind=NextActionKind.STANDBY if days else NextActionKind.TODO,
                       next_action_date=when)
        done["follow_up"] = when.isoformat()
    owner = db.session.get(User, rules["owner_id"]) if rules.get("owner_id") else None
    if owner is not None and owner.active and owner.id != lead.owner_id:
        changes["owner_id"] = owner.id
        done["owner"] = owner.name
    if (tag := rules.get("tag")) and tag not in lead.tags:
        changes["tags"] = [*lead.tags, tag]
        done["tag"] = tag
    if changes:
        lead_service.update_lead(lead, changes, user=None)
    told = db.session.get(User, rules["notify_user_id"]) if rules.get("notify_user_id") else None
    if told is not None and told.active:
        notify(STAGE_RULE, [told.id], lead=lead, payload={"stage": stage.name})
        done["told"] = told.name
    if len(done) > 2:
        lead_service.add_note(lead, "", user=None, kind=ActivityKind.SYSTEM, payload=done)
    return done


@hookimpl
def kanban_lead_moved(lead: Lead, from_stage: Stage, to_stage: Stage, user: User | None) -> None:
    if from_stage.id != to_stage.id:
        apply_stage_rules(lead, to_stage)
