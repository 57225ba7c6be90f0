"""Client folders: the leads of one client company, and new leads for renewals and upsells.

A folder holds the open leads and the history of won and lost deals with a client,
and carries the client's class (A-D). Duplicating a won lead makes the renewal or
upsell lead: same contact, same folder, in standby until the day to call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, insert, select
from sqlalchemy.orm import joinedload

from kanban.errors import NotFound, ValidationError
from kanban.extensions import db
from kanban.models import (
    Client,
    Lead,
    LeadStatus,
    NextActionKind,
    Pipeline,
    Stage,
    User,
    folder_search_text,
)
from kanban.models.base import local_day
from kanban.models.base import today as today_
from kanban.permissions import can_give_lead_to, require
from kanban.services import leads as lead_service
from kanban.services.followup import iso_day, no_day
from kanban.services.lead_input import MAX_ID, TEXT_LIMITS, clean_lead_data
from kanban.services.periods import add_months
from kanban.services.priorities import RATINGS
from kanban.services.queries import text_condition
from kanban.text import has_unstorable, unstorable_message

NAME_LIMIT = 200
NOTES_LIMIT = 20_000
PURPOSES = ("renewal", "upsell")
# A renewal call a month before the year is up, counted from the day the lead was won.
RENEWAL_MONTHS = 11


@dataclass
class FolderSummary:
    """A client folder with its counts, for the list of folders."""

    client: Client
    open: int = 0
    won: int = 0
    lost: int = 0  # lost or cancelled
    won_value: dict[str, Decimal] = field(default_factory=dict)

    @property
    def is_client(self) -> bool:
        return self.won > 0


def list_folders() -> list[Client]:
    """Return every client folder by name (for a select)."""
    return list(db.session.scalars(select(Client).order_by(func.lower(Client.name), Client.id)))


def folders_by_id(ids: Iterable[int]) -> list[Client]:
    ids = list(ids)
    return list(db.session.scalars(select(Client).where(Client.id.in_(ids)))) if ids else []


def get_folder(client_id: int) -> Client:
    """Return the folder or raise NotFound."""
    client = db.session.get(Client, client_id) if 0 < client_id <= MAX_ID else None
    if client is None:
        raise NotFound(_("This client folder does not exist (it may have been deleted)."))
    return client


def folder_summaries(text: str | None = None) -> list[FolderSummary]:
    """Return the folders (matching ``text``) with their counts, from one grouped query."""
    statement = (
        select(
            Client,
            func.count(case((Lead.status == LeadStatus.OPEN, 1))),
            func.count(case((Lead.status == LeadStatus.WON, 1))),
            func.count(case((Lead.status.in_([LeadStatus.LOST, LeadStatus.CANCELLED]), 1))),
        )
        .outerjoin(Lead, Lead.client_id == Client.id)
        .group_by(Client.id)
        .order_by(func.lower(Client.name), Client.id)
    )
    if text:
        statement = statement.where(text_condition(Client.search_text, text))
    summaries = {
        client.id: FolderSummary(client, open_, won, lost)
        for client, open_, won, lost in db.session.execute(statement)
    }
    for client_id, currency, total in db.session.execute(
        select(Lead.client_id, Lead.currency, func.coalesce(func.sum(Lead.value), 0))
        .where(Lead.client_id.in_(list(summaries)), Lead.status == LeadStatus.WON)
        .group_by(Lead.client_id, Lead.currency)
    ):
        summaries[client_id].won_value[currency] = Decimal(total)
    return list(summaries.values())


def folder_leads(client: Client) -> dict[str, list[Lead]]:
    """Return the folder's leads: open ones, won ones and lost or cancelled ones."""
    leads = db.session.scalars(
        select(Lead)
        .where(Lead.client_id == client.id)
        .options(joinedload(Lead.stage), joinedload(Lead.owner))
        .order_by(Lead.closed_at.desc(), Lead.created_at.desc(), Lead.id.desc())
    ).unique()
    grouped: dict[str, list[Lead]] = {"open": [], "won": [], "lost": []}
    for lead in leads:
        grouped["open" if lead.is_open else "won" if lead.status == LeadStatus.WON
                else "lost"].append(lead)
    return grouped


def create_folder(data: Mapping[str, Any], *, user: User | None) -> Client:
    """Create a client folder."""
    if user is not None:
        require(user, "lead.edit")
    client = Client(**_clean_folder(data))
    db.session.add(client)
    db.session.commit()
    return client


def clean_folder_name(name: str) -> str:
    """Return a folder name as it is stored, or raise ValidationError (field ``name``)."""
    return _clean_folder({"name": name})["name"]


def find_folders(names: Iterable[str]) -> dict[str, int | None]:
    """Return the id of the folder of each name, None where there is none.

    Keys are the names casefolded: a name matches a folder whatever its case ("ACME" is
    the folder "Acme", the oldest when two differ only by case).
    """
    wanted = {name.casefold() for name in names}
    found: dict[str, int | None] = {}
    for folder_id, name in db.session.execute(select(Client.id, Client.name).order_by(Client.id)):
        if name.casefold() in wanted:
            found.setdefault(name.casefold(), folder_id)
    return {key: found.get(key) for key in wanted}


def add_folders(names: Iterable[str]) -> dict[str, int]:
    """Add a folder per name (one per name whatever its case) without committing, so they
    go in with the leads that fill them; return their ids by casefolded name."""
    first: dict[str, str] = {}
    for name in names:
        first.setdefault(name.casefold(), name)  # the first spelling met names the folder
    unique = list(first.values())
    if not unique:
        return {}
    ids = db.session.scalars(
        insert(Client).returning(Client.id, sort_by_parameter_order=True),
        [{"name": name, "notes": "", "search_text": folder_search_text(name)}
         for name in unique],
    )
    return dict(zip((name.casefold() for name in unique), ids, strict=True))


def update_folder(client: Client, data: Mapping[str, Any], *, user: User | None) -> Client:
    """Rename a folder, rate the client A-D, or change its notes."""
    if user is not None:
        require(user, "lead.edit")
    for name, value in _clean_folder(data, partial=True).items():
        setattr(client, name, value)
    db.session.commit()
    return client


def delete_folder(client: Client, *, user: User | None) -> None:
    """Delete a folder; its leads stay, outside any folder."""
    if user is not None:
        require(user, "lead.delete")
    db.session.delete(client)
    db.session.commit()


def folder_for(lead: Lead, *, user: User | None) -> Client:
    """Return the lead's folder, putting the lead in the one named after it (its company),
    made if needed: two folders of one name could not be told apart."""
    if lead.client is not None:
        return lead.client
    name = (lead.company or lead.contact_name or lead.title)[:NAME_LIMIT]
    existing = find_folders([name])[name.casefold()]
    client = db.session.get(Client, existing) if existing else \
        create_folder({"name": name}, user=user)
    lead_service.update_lead(lead, {"client_id": client.id}, user=user)
    return client


def renewal_date(lead: Lead, today: date) -> date:
    """Suggest when a renewal comes back to *to do*: a month before the year is up."""
    won = lead.closed_at is not None and lead.status == LeadStatus.WON
    won_on = local_day(lead.closed_at) if won else today
    return max(add_months(won_on, RENEWAL_MONTHS), today + timedelta(days=1))


def duplicate_lead(
    lead: Lead,
    *,
    purpose: str,
    standby_until: Any,
    user: User | None,
    title: str | None = None,
    value: Any = None,
    today: date | None = None,
) -> Lead:
    """Copy a lead into a renewal or upsell lead in its client's folder (made if needed,
    when the lead names a company or a contact), in standby.

    The copy keeps the contact, owner (when the person may give it to them; else it is
    theirs), priority, tags and custom fields, starts in the first stage of the pipeline
    and waits in standby until ``standby_until``.
    """
    if user is not None:
        require(user, "lead.create")
    day = today or today_()
    errors: dict[str, str] = {}
    if purpose not in PURPOSES:
        errors["purpose"] = _("Choose renewal or upsell.")
    when = iso_day(standby_until)
    if when is None:
        errors["standby_until"] = no_day(standby_until)
    elif when <= day:
        errors["standby_until"] = _("Choose a day after today: the new lead waits until then.")
    default_title = (_("Upsell: %(title)s", title=lead.title) if purpose == "upsell"
                     else _("Renewal: %(title)s", title=lead.title))
    data = {
        "title": (title or "").strip() or default_title[:TEXT_LIMITS["title"]],
        "value": lead.value if value is None else value,
        "currency": lead.currency, "contact_name": lead.contact_name,
        "company": lead.company, "email": lead.email, "phone": lead.phone,
        "priority": lead.priority, "tags": lead.tags, "description": lead.description,
        "custom_fields": dict(lead.custom_fields or {}),
        "next_action_kind": NextActionKind.STANDBY.value, "next_action_date": when,
        "next_action_text": _("Call about the renewal") if purpose == "renewal"
        else _("Call about the upsell"),
    }
    if lead.owner is not None and lead.owner.active and can_give_lead_to(user, lead.owner_id):
        data["owner_id"] = lead.owner_id  # else the person making the copy owns it
    try:
        clean_lead_data({"title": data["title"], "value": data["value"]})
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(_("Some fields need your attention."), fields=errors)
    # A folder is a client's: named after its company or contact, never after a deal.
    if lead.client is not None or lead.company or lead.contact_name:
        data["client_id"] = folder_for(lead, user=user).id
    copy = lead_service.create_lead(
        data, user=user, source=purpose, stage=_first_stage_of(lead.stage.pipeline),
        payload={"duplicated_from": lead.id, "purpose": purpose},
    )
    lead_service.add_note(
        lead, "",
        kind="system", user=user, payload={"event": "duplicated", "to": copy.id,
                                           "purpose": purpose},
    )
    return copy


def _first_stage_of(pipeline: Pipeline) -> Stage:
    return min(pipeline.stages, key=lambda stage: (stage.position, stage.id))


def _clean_folder(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if "name" in data or not partial:
        name = data.get("name")
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            errors["name"] = _("Give the client folder a name.")
        elif len(name) > NAME_LIMIT:
            errors["name"] = _("Too long: at most %(limit)d characters.", limit=NAME_LIMIT)
        elif has_unstorable(name):
            errors["name"] = unstorable_message()
        clean["name"] = name
    if "rating" in data:
        rating = data.get("rating")
        rating = rating.strip().upper() if isinstance(rating, str) else ""
        if rating and rating not in RATINGS:
            errors["rating"] = _("Use A, B, C or D, or leave it empty.")
        clean["rating"] = rating or None
    if "notes" in data:
        notes = data.get("notes")
        notes = notes.strip() if isinstance(notes, str) else ""
        if len(notes) > NOTES_LIMIT:
            errors["notes"] = _("Too long: at most %(limit)d characters.", limit=NOTES_LIMIT)
        clean["notes"] = notes.replace("\x00", "")
    if errors:
        raise ValidationError(_("Some fields need your attention."), fields=errors)
    return clean

