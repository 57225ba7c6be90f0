"""Lead business rules: validate, write, commit, then tell the plugins.

The JSON API, the HTML pages, the CLI and plugins all change leads through these
functions. ``user`` is the person acting; None means the system or a public source
such as a web form, and skips the permission check (views must check first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, insert, literal, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from kanban.errors import Conflict, MoveRefused, NotFound, ValidationError
from kanban.extensions import db
from kanban.models import (
    Activity,
    ActivityKind,
    Lead,
    LeadStatus,
    LeadTag,
    NextActionKind,
    Notification,
    Pipeline,
    Stage,
    User,
    new_lead_row,
)
from kanban.models.base import today, utcnow
from kanban.notify.events import new_lead_readers, new_lead_rows
from kanban.notify.store import send_emails_of
from kanban.permissions import require, require_give_lead_to
from kanban.plugins import fire_event, get_hook
from kanban.ranking import InvalidRank, needs_rebalance, rank_between
from kanban.services import outbox
from kanban.services.as_read import as_read
from kanban.services.bulk_insert import insert_rows, insert_rows_by_shape, with_defaults
from kanban.services.issued_ids import was_ever_issued
from kanban.services.lead_input import clean_lead_data, is_id, not_before_today
from kanban.services.ordering import (
    ColumnChanged,
    NeedsWholeColumn,
    column_state,
    gap,
    lies_between,
    lock_columns,
    ranks_at_top,
    rebalance,
    retrying,
    stage_still_exists,
)
from kanban.services.owner_rules import OwnerPlan, owner_plan, take_turn
from kanban.services.sqlite_writers import HELD
from kanban.services.together import WRITES_ALONE, together
from kanban.text import remove_unstorable
from kanban.words import lost_reason_as_stored

ACTIVITY_INSERT = insert(Activity.__table__)  # a new lead's first entry, built once

CLOSED_STATUSES = (LeadStatus.WON, LeadStatus.LOST, LeadStatus.CANCELLED)


def get_lead(lead_id: int) -> Lead:
    """Return the lead or raise NotFound."""
    lead = db.session.get(Lead, lead_id) if is_id(lead_id) else None
    if lead is None:
        raise NotFound(_("Lead #%(id)s does not exist (it may have been deleted).", id=lead_id))
    return lead


def get_stage(stage_id: Any, field: str = "stage_id") -> Stage:
    """Return the stage or raise ValidationError naming ``field``."""
    stage = db.session.get(Stage, stage_id) if is_id(stage_id) else None
    if stage is None:
        raise ValidationError(
            _("There is no such stage."), fields={field: _("Choose an existing stage.")}
        )
    return stage


def first_stage() -> Stage:
    """Return the first stage of the first pipeline."""
    stage = db.session.scalars(
        select(Stage)
        .join(Stage.pipeline)
        .order_by(Pipeline.position, Pipeline.id, Stage.position, Stage.id)
    ).first()
    if stage is None:
        raise ValidationError(_("Create a pipeline with at least one stage first."))
    return stage


# ---------------------------------------------------------------------------
# Create, edit, note
# ---------------------------------------------------------------------------


def create_lead(
    data: Mapping[str, Any],
    *,
    user: User | None,
    source: str = "manual",
    stage: Stage | None = None,
    note: str = "",
    payload: dict[str, Any] | None = None,
    records: Callable[[Lead], Iterable[Any]] | None = None,
    assign_by: str | None = None,
) -> Lead:
    """Create a lead at the top of its stage, with a first timeline entry.

    A lead nobody owns gets its owner from the owner rule of ``assign_by`` (a source such
    as "email" or "web form:3"), if that source has one. ``records`` gives a source's own
    rows about the new lead (a web form's submission), written in the same transaction:
    one commit per lead, and never a lead without them."""
    if user is not None:
        require(user, "lead.create")
    values, stage = _checked_new_lead(data, stage)
    values.setdefault("source", source)
    values.setdefault("currency", current_app.config["DEFAULT_CURRENCY"])
    if user is not None and "owner_id" not in values:
        values["owner_id"] = user.id
    if user is not None:
        require_give_lead_to(user, values["owner_id"])
    tags = values.pop("tags", [])
    # Everything that can be read is read before the write, which holds the column's
    # lock (on SQLite, the whole database's) as briefly as it can.
    owner = values.get("owner_id")
    plan = owner_plan(assign_by) if owner is None and assign_by is not None else None
    readers = new_lead_readers(
        [owner] if owner is not None else (plan.people if plan is not None else None), user)
    entry = {"author_id": user.id if user is not None else None,
             "kind": ActivityKind.SYSTEM.value,
             "body": note or "",  # the words are written when shown, in the reader's language
             "payload": {"event": "created", "source": values["source"], "stage_id": stage.id,
                         **(payload or {})}}
    wish = _NewLead(values, tags, stage, owner, plan, readers, entry, records, user)
    # On SQLite, where writers take turns anyway, the new leads of the threads waiting for
    # a turn are written in one (``kanban.services.together``). On PostgreSQL they are
    # written side by side, which is faster. A session holding changes of its own (or the
    # write turn, or rows for its commit) commits them with its lead, so it writes alone.
    session = db.session()
    alone = (session.get_bind().dialect.name != "sqlite" or session.new or session.dirty
             or session.deleted or session.info.get(HELD) or session.info.get(WRITES_ALONE))
    lead, told = _write_new_leads([wish])[0] if alone else together(
        _write_new_leads, shared=(OperationalError,))(wish)
    db.session.add_all([lead, *lead.tag_rows])  # as just read: nothing is read back
    send_emails_of(told)
    fire_event("kanban_lead_created", lead=lead, source=lead.source, user=user)
    return lead


def _checked_new_lead(data: Mapping[str, Any], stage: Stage | None) -> tuple[dict[str, Any],
                                                                           Stage]:
    """The new lead's clean values and its stage, or a ValidationError naming every bad
    field, the stage among them."""
    try:
        values = clean_lead_data(data)
    except ValidationError as exc:
        if stage is None and data.get("stage_id") is not None:
            try:
                get_stage(data["stage_id"])
            except ValidationError as no_stage:
                exc.fields.update(no_stage.fields)
        raise
    if stage is None:
        stage = get_stage(data["stage_id"]) if data.get("stage_id") is not None else first_stage()
    return values, stage


@dataclass
class _NewLead:
    """A new lead as ``create_lead`` prepared it, ready to write."""

    values: dict[str, Any]
    tags: list[str]
    stage: Stage
    owner: int | None
    plan: OwnerPlan | None
    readers: dict[int, User]
    entry: dict[str, Any]  # its first timeline entry
    records: Callable[[Lead], Iterable[Any]] | None
    user: User | None


def _write_new_leads(wishes: list[_NewLead]) -> list[tuple[Lead, list[dict[str, Any]]]]:
    """Write new leads at the top of their columns, in order (the last on top), in one
    transaction: each with its tags, first timeline entry, a source's own records, its
    event and its notifications. Return each lead, detached, with its notifications."""
    whole_column = False

    def write() -> list[tuple[Lead, list[dict[str, Any]]]]:
        nonlocal whole_column
        adding = not whole_column
        by_stage: dict[int, list[_NewLead]] = {}
        for wish in wishes:
            by_stage.setdefault(wish.stage.id, []).append(wish)
        locked = lock_columns(sorted(by_stage), adding=adding)
        ranks: dict[int, Iterator[str]] = {}
        try:
            for stage_id, waiting in by_stage.items():
                ranks[stage_id] = iter(ranks_at_top(stage_id, len(waiting),
                                                    spread=adding and locked is not None))
        except NeedsWholeColumn:
            whole_column = True
            raise
        now = utcnow()
        rows = [with_defaults(Lead.__table__, new_lead_row(
            {**wish.values,
             "owner_id": wish.owner if wish.plan is None else take_turn(wish.plan)},
            stage_id=wish.stage.id, rank=next(ranks[wish.stage.id]), now=now))
            for wish in wishes]
        leads = _written_leads(rows, [wish.tags for wish in wishes])
        db.session.connection().execute(
            ACTIVITY_INSERT, [{**wish.entry, "lead_id": lead.id}
                              for wish, lead in zip(wishes, leads, strict=True)])
        for wish, lead in zip(wishes, leads, strict=True):
            if wish.records is not None:
                db.session.add_all(wish.records(lead))
        outbox.record_rows(
            outbox.event_row(outbox.CREATED, lead.id, stage=wish.stage,
                             actor_id=wish.user.id if wish.user is not None else None,
                             source=wish.values["source"])
            for wish, lead in zip(wishes, leads, strict=True))
        told = [new_lead_rows(lead, wish.values["source"], wish.user,
                              # a rule removed meanwhile: nobody owns it, the team is told
                              wish.readers if lead.owner_id is not None or wish.plan is None
                              else None)
                for wish, lead in zip(wishes, leads, strict=True)]
        if any(told):
            db.session.execute(insert(Notification.__table__),
                               [row for rows_of_one in told for row in rows_of_one])
        _commit_without_expiring()
        return list(zip(leads, told, strict=True))

    return retrying(write)


def _written_leads(rows: list[dict[str, Any]], tags: list[list[str]]) -> list[Lead]:
    """Insert the leads and their tags; return them as if read back, detached, with their
    tags: nothing needs reading again, and later changes are written as usual."""
    ids = insert_rows_by_shape(Lead.__table__, rows)
    tag_values = [[{"lead_id": lead_id, "tag": name} for name in sorted(dict.fromkeys(names))]
                  for lead_id, names in zip(ids, tags, strict=True)]
    insert_rows(LeadTag.__table__, [values for of_one in tag_values for values in of_one])
    leads = []
    for row, lead_id, of_one in zip(rows, ids, tag_values, strict=True):
        lead = as_read(Lead, {**row, "id": lead_id})
        set_committed_value(lead, "tag_rows", [as_read(LeadTag, values) for values in of_one])
        leads.append(lead)
    return leads


def update_lead(
    lead: Lead, data: Mapping[str, Any], *, user: User | None, version: int | None = None
) -> Lead:
    """Change lead fields and record what changed on the timeline."""
    if user is not None:
        require(user, "lead.edit")
    values = clean_lead_data(data, partial=True)
    if user is not None and "owner_id" in values and values["owner_id"] != lead.owner_id:
        require_give_lead_to(user, values["owner_id"])
        if lead.owner_id is not None:  # taking a lead from its owner is a reassignment too
            require(user, "lead.reassign")
    _check_version(lead, version)
    kind = values.get("next_action_kind", lead.next_action_kind)
    day = values.get("next_action_date", lead.next_action_date)
    if (kind == NextActionKind.STANDBY and day is not None and day < today()
            and (day, kind) != (lead.next_action_date, lead.next_action_kind)):
        # A standby set now ends on a day to come; one already past stays as it is.
        raise ValidationError(_("Some fields need your attention."),
                              fields={"next_action_date": not_before_today()})
    if kind == NextActionKind.STANDBY and not day:
        raise ValidationError(
            _("Some fields need your attention."),
            fields={
                "next_action_date": _("Standby needs the date when the lead comes back to to do.")
            },
        )
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = lead.tags if name == "tags" else getattr(lead, name)
        if old != new:
            changes[name] = [_jsonable(old), _jsonable(new)]
            setattr(lead, name, new)
    if not changes:
        return lead
    lead.updated_at = utcnow()
    db.session.add(
        _timeline_entry(lead, user, kind=ActivityKind.EDIT, payload={"changes": changes})
    )
    outbox.record(outbox.UPDATED, lead, user=user, fields=sorted(changes))
    commit_or_conflict(lead)
    fire_event("kanban_lead_updated", lead=lead, changes=changes, user=user)
    return lead


def add_note(
    lead: Lead,
    body: str,
    *,
    user: User | None,
    kind: str = ActivityKind.NOTE,
    payload: dict[str, Any] | None = None,
    created_at: datetime | None = None,
    touch: bool = True,
) -> Activity:
    """Add an entry (a note, a call, an email...) to the lead's timeline.

    With ``touch=False`` (an email whose sender could not be verified) the entry does not
    count as a touch: the lead's stale count goes on."""
    if user is not None:
        require(user, "lead.note")
    if not isinstance(body, str) or (not body.strip() and not payload):
        raise ValidationError(
            _("Write something first."), fields={"body": _("The note is empty.")}
        )
    if len(body) > 100_000:
        raise ValidationError(
            _("This note is too long."), fields={"body": _("At most 100,000 characters.")}
        )
    if not isinstance(kind, str) or not kind or len(kind) > 32:
        raise ValidationError(_("Unknown kind of entry."), fields={"kind": _("Unknown kind.")})
    activity = Activity(
        lead_id=lead.id,
        author_id=user.id if user else None,
        kind=str(kind),
        body=remove_unstorable(body).strip(),
        payload=remove_unstorable(payload or {}),
        created_at=created_at or utcnow(),
    )
    db.session.add(activity)
    # A touch is activity on the lead; update without bumping the version so that
    # a note never makes a card's drag fail.
    # An entry dated in the past (an old email fetched late) is not a fresh touch, and
    # neither is the system's own bookkeeping (a line saying the lead was duplicated).
    when = literal(activity.created_at, Lead.touched_at.type)
    touched = case((Lead.touched_at < when, when), else_=Lead.touched_at)
    if kind in (ActivityKind.SYSTEM, ActivityKind.EDIT) or not touch:
        touched = Lead.touched_at
    db.session.execute(
        update(Lead).where(Lead.id == lead.id).values(updated_at=utcnow(), touched_at=touched),
        execution_options={"synchronize_session": False},
    )
    outbox.record(outbox.NOTED, lead, user=user, entry=str(kind))
    db.session.commit()
    fire_event("kanban_lead_noted", lead=lead, activity=activity, user=user)
    return activity


# ---------------------------------------------------------------------------
# Move
# ---------------------------------------------------------------------------


def move_lead(
    lead_id: int,
    *,
    stage_id: Any,
    version: Any,
    user: User | None,
    before_id: int | None = None,
    after_id: int | None = None,
) -> Lead:
    """Move a lead to a stage, next to a neighbour.

    ``after_id`` is the card the lead lands below, ``before_id`` the card it lands
    above; with both they must still be adjacent, with neither the lead goes to the
    bottom. Only the moved lead (and a timeline entry when the stage changes) is
    written. A stale ``version`` or a neighbour that moved away is a Conflict that
    carries the column's current order.
    """
    if user is not None:
        require(user, "lead.move")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationError(
            _("Send the version of the lead you moved."),
            fields={"version": _("Must be a whole number.")},
        )
    for name, value in (("before_id", before_id), ("after_id", after_id)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValidationError(
                _("Neighbours are given by lead id."), fields={name: _("Must be a lead id.")}
            )
    if lead_id in (before_id, after_id):
        raise ValidationError(
            _("A card cannot be placed next to itself."),
            fields={"before_id" if before_id == lead_id else "after_id": _("Choose another card.")},
        )

    moved: dict[str, Stage] = {}

    def write() -> Lead:
        moved.clear()
        try:
            stage = get_stage(stage_id)
        except ValidationError:
            if not is_id(stage_id) or not was_ever_issued(Stage.__tablename__, stage_id):
                raise
            # Deleted since the board was drawn: a conflict, so the board reloads its columns.
            raise Conflict(
                _("This stage no longer exists (it may have been deleted). Reload the board "
                  "and move the card to another stage."),
                fields={"stage_id": _("Choose another stage.")},
            ) from None
        locked = lock_columns([stage.id], lead_id=lead_id)
        if not stage_still_exists(stage.id, locked):
            raise Conflict(
                _("The stage %(name)s was deleted a moment ago. Reload the board and move "
                  "the card to another stage.", name=stage.name),
                fields={"stage_id": _("Choose another stage.")},
            )
        # Read after the lock: the order seen here is the order the move commits into.
        lead = db.session.get(
            Lead, lead_id, populate_existing=True, options=[lazyload(Lead.tag_rows)]
        )
        if lead is None:
            raise NotFound(
                _("Lead #%(id)s does not exist (it may have been deleted).", id=lead_id)
            )
        if locked is not None and lead.stage_id not in locked:
            raise ColumnChanged()
        from_stage = db.session.get(Stage, lead.stage_id)
        if stage.pipeline_id != from_stage.pipeline_id:
            raise ValidationError(
                _("This stage belongs to another pipeline."),
                fields={"stage_id": _("Choose a stage of the lead's pipeline.")},
            )
        if not lead.is_open:
            raise Conflict(
                _("This lead is closed. Reopen it before moving it."), **column_state(lead, stage)
            )
        _check_version(lead, version, stage)
        veto = get_hook("kanban_lead_move_veto")(lead=lead, to_stage=stage, user=user)
        if veto:
            raise MoveRefused(str(veto))
        lower, upper = gap(lead, stage, before_id, after_id)
        if stage.id == lead.stage_id and lies_between(lead.rank, lower, upper):
            db.session.rollback()  # dropped where it was: nothing to write, no new version
            return lead
        try:
            rank = rank_between(lower, upper)
        except InvalidRank:
            rank = ""  # a hand-edited key in the column: give it fresh keys
        if not rank or needs_rebalance(rank):
            rank = rebalance(stage.id, lead.id, lower)
        moved["from"], moved["to"] = from_stage, stage
        entry = None
        if stage.id != lead.stage_id:
            entry = {
                "lead_id": lead.id,
                "author_id": user.id if user else None,
                "kind": ActivityKind.STAGE_CHANGE.value,
                "payload": {
                    "from_stage_id": lead.stage_id,
                    "to_stage_id": stage.id,
                    "from": from_stage.name,
                    "to": stage.name,
                },
            }
        _write_move(lead, stage, rank, entry, user)
        return lead

    lead = retrying(write)
    if moved:
        fire_event("kanban_lead_moved", lead=lead, from_stage=moved["from"],
                   to_stage=moved["to"], user=user)
    return lead


def _write_move(lead: Lead, stage: Stage, rank: str, entry: dict[str, Any] | None,
                user: User | None) -> None:
    """Write the moved lead (and its timeline entry), commit, and keep the lead current.

    A drag is the most frequent write: plain statements skip the ORM's unit of work,
    the version guard is the same as the ORM's, and the lead is given the values just
    committed so nothing is read back for the hooks and the API answer.
    """
    leads = Lead.__table__
    now, new_version, from_stage_id = utcnow(), lead.version + 1, lead.stage_id
    values = {"stage_id": stage.id, "rank": rank, "updated_at": now, "version": new_version}
    if entry is not None:  # a new stage is a step forward: the lead is not stale there
        values["touched_at"] = now
    written = db.session.execute(
        update(leads).where(leads.c.id == lead.id, leads.c.version == lead.version)
        .values(**values)
    )
    if written.rowcount != 1:
        raise StaleDataError(f"lead {lead.id} changed under the move")
    if entry is not None:
        db.session.execute(insert(Activity.__table__).values(**entry))
    outbox.record(outbox.MOVED, lead, user=user, stage=stage, rank=rank, version=new_version,
                  from_stage_id=from_stage_id)
    _commit_without_expiring()
    for name, value in (*values.items(), ("stage", stage)):
        set_committed_value(lead, name, value)


def _commit_without_expiring() -> None:
    """Commit, keeping the objects' values: they are what was just written, so the hooks
    and the answer need not read them back."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


# ---------------------------------------------------------------------------
# Close, reopen, delete
# ---------------------------------------------------------------------------


def close_lead(
    lead: Lead,
    status: str,
    *,
    user: User | None,
    lost_reason: str = "",
    version: int | None = None,
) -> Lead:
    """Close a lead as won, lost (with a reason) or cancelled."""
    if user is not None:
        require(user, "lead.close")
    if status not in [s.value for s in CLOSED_STATUSES]:
        raise ValidationError(
            _("Close a lead as won, lost or cancelled."),
            fields={"status": _("Use won, lost or cancelled.")},
        )
    reason = remove_unstorable(lost_reason or "").strip() if isinstance(lost_reason, str) else ""
    if status == LeadStatus.LOST and not reason:
        raise ValidationError(
            _("Say why the lead was lost."), fields={"lost_reason": _("A reason is needed.")}
        )
    if len(reason) > 255:
        raise ValidationError(
            _("The reason is too long."), fields={"lost_reason": _("At most 255 characters.")}
        )
    _check_version(lead, version)
    if not lead.is_open:
        raise Conflict(_("This lead is already closed."), **column_state(lead, lead.stage))
    # Closing takes a card off the board: drops next to it wait, as for a move.
    lock_columns([lead.stage_id])
    ended = {"next_action_kind": lead.next_action_kind,
             "next_action_date": _jsonable(lead.next_action_date),
             "next_action_text": lead.next_action_text}
    lead.status = status
    lead.lost_reason = lost_reason_as_stored(reason) if status == LeadStatus.LOST else ""
    lead.closed_at = lead.updated_at = utcnow()
    # A closed lead has nothing left to do: its next action ends with it.
    lead.next_action_kind = NextActionKind.TODO
    lead.next_action_date = None
    lead.next_action_text = ""
    db.session.add(_timeline_entry(
        lead, user, kind=ActivityKind.SYSTEM, body=reason,
        payload={"event": "closed", "status": status, "lost_reason": lead.lost_reason,
                 "ended_next_action": ended},
    ))
    outbox.record(status, lead, user=user, **({"lost_reason": lead.lost_reason}
                                               if status == LeadStatus.LOST else {}))
    commit_or_conflict(lead)
    fire_event("kanban_lead_closed", lead=lead, status=status, user=user)
    return lead


def reopen_lead(lead: Lead, *, user: User | None, version: int | None = None) -> Lead:
    """Put a closed lead back on the board, in the stage it left, as *to do*."""
    if user is not None:
        require(user, "lead.close")
    _check_version(lead, version)
    if lead.is_open:
        return lead
    previous = lead.status
    lock_columns([lead.stage_id])
    lead.status = LeadStatus.OPEN
    lead.lost_reason = ""
    lead.closed_at = None
    lead.next_action_kind = NextActionKind.TODO
    lead.updated_at = lead.touched_at = utcnow()
    db.session.add(_timeline_entry(
        lead, user, kind=ActivityKind.SYSTEM,
        payload={"event": "reopened", "previous_status": previous},
    ))
    outbox.record(outbox.REOPENED, lead, user=user, previous_status=str(previous))
    commit_or_conflict(lead)
    fire_event("kanban_lead_reopened", lead=lead, user=user)
    return lead


def delete_lead(lead: Lead, *, user: User | None) -> None:
    """Delete a lead and its timeline."""
    if user is not None:
        require(user, "lead.delete")
    lead_id, title = lead.id, lead.title
    lock_columns([lead.stage_id])
    outbox.record(outbox.DELETED, lead, user=user, title=title)
    db.session.delete(lead)
    db.session.commit()
    fire_event("kanban_lead_deleted", lead_id=lead_id, title=title, user=user)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _check_version(lead: Lead, version: int | None, stage: Stage | None = None) -> None:
    if version is None:
        return
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationError(
            _("Send the version of the lead you edited."),
            fields={"version": _("Must be a whole number.")},
        )
    if version != lead.version:
        raise Conflict(
            _("Someone else changed this lead a moment ago. Here is its current state."),
            **column_state(lead, stage or lead.stage),
        )


def commit_or_conflict(lead: Lead) -> None:
    """Commit a change to the lead, or answer Conflict when someone changed it meanwhile."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            _("Someone else changed this lead a moment ago. Here is its current state."),
            **column_state(get_lead(lead.id), get_lead(lead.id).stage),
        ) from None


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def _timeline_entry(lead: Lead, user: User | None, **values: Any) -> Activity:
    return Activity(lead_id=lead.id, author_id=user.id if user else None, **values)
