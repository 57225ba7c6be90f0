"""Create many leads in one go: the path of every bulk source (imports, lists, demo data).

Rows are lead values as ``kanban.services.lead_input.clean_lead_data`` returns them, plus
``client_folder``: a client folder's name, found whatever its case or made with the leads.
The column is locked once, the leads go to its bottom in the rows' order, and the leads,
their tags and their first timeline entries are written with one statement per table.
The lifecycle events are fired after the commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import func, select, text

from kanban.extensions import db
from kanban.models import Activity, ActivityKind, Lead, LeadTag, Stage, User, new_lead_row
from kanban.models.base import utcnow
from kanban.notify import events
from kanban.notify.events import tell_leads_created
from kanban.permissions import require, require_give_lead_to
from kanban.plugins import fire_events, get_plugin_manager
from kanban.ranking import rank_between
from kanban.services import outbox
from kanban.services.bulk_insert import insert_rows, insert_rows_by_shape
from kanban.services.clients import add_folders, find_folders
from kanban.services.ordering import lock_columns, retrying
from kanban.services.owner_rules import owners_in_turn

CLIENT_FOLDER = "client_folder"
ANALYZE_AFTER = 5000  # leads written or changed since the last ANALYZE, at the least


@dataclass
class Created:
    ids: list[int] = field(default_factory=list)
    new_folders: set[str] = field(default_factory=set)  # client folders made (casefolded)
    owners: list[int | None] = field(default_factory=list)  # each new lead's, in order


def create_leads(
    rows: Sequence[Mapping[str, Any]],
    *,
    stage: Stage,
    user: User | None,
    source: str = "import",
    assign_by: str | None = None,
    tell_people: bool = True,
) -> Created:
    """Add the leads at the bottom of ``stage``, in order, in one transaction.

    Leads nobody owns get their owners from the owner rule of ``assign_by``, if any. With
    ``tell_people`` off (demo data) nobody gets a notification about them."""
    if user is not None:
        require(user, "lead.create")
        for owner_id in {values["owner_id"] for values in rows if values.get("owner_id")}:
            require_give_lead_to(user, owner_id)
    if not rows:
        return Created()
    created = retrying(lambda: _write(rows, stage, user, source, assign_by))
    _refresh_statistics()
    if tell_people:
        tell_leads_created(created.ids, created.owners, user)
    _fire_created(created.ids, user)
    return created


def _refresh_statistics() -> None:
    """On PostgreSQL, analyze the leads table once it changed a lot since it was last
    analyzed: a big import outruns autovacuum, and on a table the planner still thinks
    small the next batch's duplicate lookups by email and phone would read the whole
    table instead of their indexes."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    changed = db.session.execute(text(
        "SELECT s.n_mod_since_analyze AS changed, c.reltuples AS rows "
        "FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
        "WHERE s.relid = 'leads'::regclass")).first()
    if changed is not None and changed.changed > max(ANALYZE_AFTER, changed.rows * 0.2):
        db.session.execute(text("ANALYZE leads"))
    db.session.commit()


def folder_names(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    return [values[CLIENT_FOLDER] for values in rows if values.get(CLIENT_FOLDER)]


def _write(rows: Sequence[Mapping[str, Any]], stage: Stage, user: User | None,
           source: str, assign_by: str | None) -> Created:
    lock_columns([stage.id])
    if assign_by is not None:
        unowned = [index for index, values in enumerate(rows) if not values.get("owner_id")]
        owners = dict(zip(unowned, owners_in_turn(assign_by, len(unowned)), strict=True))
        rows = [{**values, "owner_id": owners[index]} if owners.get(index) else values
                for index, values in enumerate(rows)]
    names = folder_names(rows)
    folders = find_folders(names)
    made = add_folders(name for name in names if folders[name.casefold()] is None)
    folders.update(made)
    currency = current_app.config["DEFAULT_CURRENCY"]
    now = utcnow()
    bottom = db.session.scalar(select(func.max(Lead.rank)).where(Lead.stage_id == stage.id))
    rank = bottom
    lead_rows, tags = [], []
    for values in rows:
        values = dict(values)
        tags.append(values.pop("tags", []))
        if folder := values.pop(CLIENT_FOLDER, None):
            values["client_id"] = folders[folder.casefold()]
        values.setdefault("source", source)
        values.setdefault("currency", currency)
        rank = rank_between(rank, None)
        lead_rows.append(new_lead_row(values, stage_id=stage.id, rank=rank, now=now))
    ids = insert_rows_by_shape(Lead.__table__, lead_rows)
    tag_rows = [{"lead_id": lead_id, "tag": tag}
                for lead_id, names in zip(ids, tags, strict=True) for tag in dict.fromkeys(names)]
    insert_rows(LeadTag.__table__, tag_rows)
    author_id = user.id if user is not None else None
    # A timeline entry and an event per source, each written as it is for every lead.
    sources = {values["source"] for values in lead_rows}
    payloads = {name: {"event": "created", "source": name, "stage_id": stage.id}
                for name in sources}
    insert_rows(Activity.__table__, [
        {
            "lead_id": lead_id,
            "author_id": author_id,
            "kind": ActivityKind.SYSTEM.value,
            "body": "",  # written when shown, in the reader's language
            "payload": payloads[values["source"]],
            "created_at": now,
        }
        for lead_id, values in zip(ids, lead_rows, strict=True)
    ])
    told = {name: outbox.event_row(outbox.CREATED, 0, stage=stage, actor_id=author_id,
                                   source=name) for name in sources}
    outbox.record_rows({**told[values["source"]], "lead_id": lead_id}
                       for lead_id, values in zip(ids, lead_rows, strict=True))
    db.session.commit()
    return Created(ids, set(made), [row.get("owner_id") for row in lead_rows])


def _fire_created(ids: list[int], user: User | None) -> None:
    """Tell the plugins: a batch to those taking batches, one lead at a time to the others.

    The core's own listener (notifications) is served by ``tell_leads_created`` instead,
    from what was written: nothing is read back for it."""
    core = [events]
    batch = get_plugin_manager().subset_hook_caller("kanban_leads_created", core)
    single = get_plugin_manager().subset_hook_caller("kanban_lead_created", core)
    if not batch.get_hookimpls() and not single.get_hookimpls():
        return  # nothing listens: the new leads are not even read back
    leads: list[Lead] = []
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        query = select(Lead).where(Lead.id.in_(chunk))
        found = {lead.id: lead for lead in db.session.scalars(query)}
        leads.extend(found[lead_id] for lead_id in chunk)
    fire_events("kanban_leads_created", [{"leads": leads, "user": user}], skip_plugins=core)
    fire_events("kanban_lead_created",
                ({"lead": lead, "source": lead.source, "user": user} for lead in leads),
                skip_plugins=[*core, *(impl.plugin for impl in batch.get_hookimpls())])
