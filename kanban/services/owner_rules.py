"""Who owns the new leads of a source: nobody, one person, or people taking turns.

Every source (each web form, mail, imports, the API) may have a rule; the rule is
stored here, in the core, and applied by the lead creation services, so no source keeps
its own. A round-robin turn is taken with one atomic increment inside the new lead's
transaction: two leads arriving at once never get the same turn, and a lead that fails
to be written gives its turn back.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select, update

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import OwnerRule, User
from kanban.models.base import utcnow


class Rule(enum.StrEnum):
    NONE = "none"  # nobody: the lead waits for someone to take it
    FIXED = "fixed"  # always the same person
    ROUND_ROBIN = "round_robin"  # the chosen people in turn


def rule_of(source: str) -> OwnerRule | None:
    """Return the source's rule, or None when it has none (its leads wait unassigned)."""
    return db.session.scalar(select(OwnerRule).where(OwnerRule.source == source))


def read_rule(data: Mapping[str, Any]) -> tuple[str, list[int]]:
    """Read the owner-rule fields of a settings form (``owner_rule``, ``owner_id``,
    ``round_robin_user_ids``); raise ValidationError naming the field that is wrong."""
    errors: dict[str, str] = {}
    rule = data.get("owner_rule") or Rule.NONE.value
    if rule not in [r.value for r in Rule]:
        errors["owner_rule"] = _("Choose how the owner is chosen.")
        rule = Rule.NONE.value
    getlist = getattr(data, "getlist", None)
    turn_ids = getlist("round_robin_user_ids") if getlist else data.get(
        "round_robin_user_ids") or []
    people: list[int] = []
    if rule == Rule.FIXED:
        people = _active_ids([data.get("owner_id") or ""])
        if not people:
            errors["owner_id"] = _("Choose the person who owns the new leads.")
    elif rule == Rule.ROUND_ROBIN:
        people = _active_ids(turn_ids)
        if not people:
            errors["round_robin_user_ids"] = _("Choose the people who take turns.")
    if errors:
        raise ValidationError(_("Some fields need your attention."), fields=errors)
    return rule, people


def rule_form_values(source: str) -> dict[str, Any]:
    """Return a source's rule as the settings form's fields."""
    rule = rule_of(source)
    if rule is None:
        return {"owner_rule": Rule.NONE.value, "owner_id": "", "round_robin_user_ids": []}
    people = [str(user_id) for user_id in rule.user_ids or []]
    return {
        "owner_rule": rule.rule,
        "owner_id": people[0] if rule.rule == Rule.FIXED and people else "",
        "round_robin_user_ids": people if rule.rule == Rule.ROUND_ROBIN else [],
    }


def set_rule(source: str, rule: str, user_ids: list[int]) -> None:
    """Store a source's rule (in the caller's transaction); ``none`` removes it."""
    stored = rule_of(source)
    if rule == Rule.NONE:
        if stored is not None:
            db.session.delete(stored)
        return
    if stored is None:
        stored = OwnerRule(source=source, turn=0)
        db.session.add(stored)
    stored.rule, stored.user_ids, stored.updated_at = rule, list(user_ids), utcnow()


@dataclass(frozen=True)
class Departed:
    """The people a source's rule names who have left the team (deactivated since)."""

    people: list[User]  # in the rule's order
    nobody_remains: bool  # True: the rule gives no one the new leads; they wait for an owner


def departed_people(source: str) -> Departed | None:
    """Return who among the people a source's rule names has left the team, for its
    settings page to say; None when nobody has (or the source has no rule)."""
    return departed_by_source([source]).get(source)


def departed_by_source(sources: Iterable[str]) -> dict[str, Departed]:
    """Return who has left the team among the people each source's rule names, for the
    sources whose rule names any (``departed_people`` of each, in two queries however many
    sources are asked about)."""
    rules = db.session.execute(
        select(OwnerRule.source, OwnerRule.user_ids)
        .where(OwnerRule.source.in_(list(dict.fromkeys(sources))), OwnerRule.rule != Rule.NONE)
    ).all()
    named = {source: list(dict.fromkeys(_ids(user_ids or []))) for source, user_ids in rules}
    everyone = {user_id for ids in named.values() for user_id in ids}
    if not everyone:
        return {}
    people = {person.id: person for person in db.session.scalars(
        select(User).where(User.id.in_(everyone)))}
    departed = {}
    for source, ids in named.items():
        known = [people[user_id] for user_id in ids if user_id in people]
        gone = [person for person in known if not person.active]
        if gone:
            departed[source] = Departed(gone, nobody_remains=len(gone) == len(known))
    return departed


@dataclass(frozen=True)
class OwnerPlan:
    """A source's rule as read before a new lead's write: who may own it, in turn or not."""

    rule_id: int
    rule: str
    people: list[int]  # active people, in the rule's order


def owner_plan(source: str) -> OwnerPlan | None:
    """Read the source's rule ahead of the write; None: its leads wait unassigned.

    People since deactivated are left out."""
    rule = db.session.connection().execute(_rule_of_source(), {"source": source}).one_or_none()
    if rule is None or rule.rule == Rule.NONE or not rule.user_ids:
        return None
    people = _active_ids(rule.user_ids)
    return OwnerPlan(rule.id, rule.rule, people) if people else None


@cache
def _rule_of_source() -> Select:
    """Asked for every new lead, built once per process."""
    return (select(OwnerRule.id, OwnerRule.rule, OwnerRule.user_ids)
            .where(OwnerRule.source == bindparam("source")))


def take_turn(plan: OwnerPlan) -> int | None:
    """Return who owns the next lead, taking a turn if the rule has turns.

    Call it inside the transaction that writes the lead (an atomic increment: two leads
    at once never get the same turn). None: the rule was removed meanwhile."""
    if plan.rule == Rule.FIXED:
        return plan.people[0]
    turn = db.session.execute(
        update(OwnerRule).where(OwnerRule.id == plan.rule_id)
        .values(turn=OwnerRule.turn + 1).returning(OwnerRule.turn),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    return None if turn is None else plan.people[(turn - 1) % len(plan.people)]


def next_owner_id(source: str) -> int | None:
    """Return who owns the source's next lead, taking a turn if the rule has turns.

    Call it inside the transaction that writes the lead; people since deactivated are
    skipped. None: the lead waits unassigned."""
    plan = owner_plan(source)
    return take_turn(plan) if plan is not None else None


def owners_in_turn(source: str, count: int) -> list[int | None]:
    """Return the owners of the source's next ``count`` leads (a batch), taking their turns
    with one increment."""
    rule = rule_of(source)
    if rule is None or rule.rule == Rule.NONE:
        return [None] * count
    people = _active_ids(rule.user_ids or [])
    if not people:
        return [None] * count
    if rule.rule == Rule.FIXED:
        return [people[0]] * count
    last = db.session.execute(
        update(OwnerRule).where(OwnerRule.id == rule.id)
        .values(turn=OwnerRule.turn + count).returning(OwnerRule.turn),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    first = last - count
    return [people[(first + step) % len(people)] for step in range(count)]


def _ids(raw: list[Any]) -> list[int]:
    """The values that are ids, as numbers, in the order given."""
    ids: list[int] = []
    for value in raw:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return ids


def _active_ids(raw: list[Any]) -> list[int]:
    """Keep the ids of active people, in the order given, once each."""
    ids = _ids(raw)
    if not ids:
        return []
    active = set(db.session.scalars(
        select(User.id).where(User.id.in_(ids), User.active.is_(True))
    ))
    return [user_id for user_id in dict.fromkeys(ids) if user_id in active]
