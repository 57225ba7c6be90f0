"""One search box for everything: leads, client folders and contacts, in one go.

Every kind is one count and one page of results, so a search runs the same number of
queries whatever it finds. Text is compared folded (see kanban.folding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from kanban.extensions import db
from kanban.folding import fold
from kanban.models import Client, Lead, LeadStatus
from kanban.models.lead import SEARCHED_FIELDS
from kanban.phones import phone_search_digits, searched_digits
from kanban.services.queries import (
    MAX_TEXT,
    contact_condition,
    lead_text_condition,
    text_condition,
)

LIMIT = 20  # results shown per kind
KINDS = ("leads", "folders", "contacts")


@dataclass
class Contact:
    """A contact person (name, email, phone) and their most recent lead."""

    name: str
    email: str
    phone: str
    lead_id: int
    lead_title: str
    leads: int  # how many leads carry this contact


@dataclass
class Found:
    """One kind of result: how many match in all, the first of them, and for each the
    fields (name, value) where the text was found."""

    kind: str
    total: int = 0
    items: list[Any] = field(default_factory=list)
    matches: list[list[tuple[str, str]]] = field(default_factory=list)

    @property
    def is_capped(self) -> bool:
        return self.total > len(self.items)


def search(text: str, limit: int = LIMIT) -> list[Found]:
    """Find leads, client folders and contacts whose text contains ``text``."""
    text = text.replace("\x00", "").strip()[:MAX_TEXT]  # no database stores a NUL
    if not fold(text):
        return [Found(kind) for kind in KINDS]
    return [find_leads(text, limit), find_folders(text, limit), find_contacts(text, limit)]


def find_leads(text: str, limit: int = LIMIT) -> Found:
    """Return the leads whose searched fields contain ``text``, open ones first."""
    condition = lead_text_condition(text)
    leads = list(db.session.scalars(
        select(Lead).where(condition)
        .options(joinedload(Lead.stage), joinedload(Lead.owner))
        .order_by((Lead.status != LeadStatus.OPEN), Lead.updated_at.desc(), Lead.id.desc())
        .limit(limit)
    ).unique())
    return Found("leads", _count(select(func.count(Lead.id)).where(condition)), leads,
                 [matched_fields(text, lead, SEARCHED_FIELDS) for lead in leads])


def find_folders(text: str, limit: int = LIMIT) -> Found:
    """Return the client folders whose name contains ``text``, by name."""
    condition = text_condition(Client.search_text, text)
    folders = list(db.session.scalars(
        select(Client).where(condition).order_by(Client.search_text, Client.id).limit(limit)
    ))
    return Found("folders", _count(select(func.count(Client.id)).where(condition)), folders,
                 [[("name", folder.name)] for folder in folders])


def find_contacts(text: str, limit: int = LIMIT) -> Found:
    """Return the contacts (name, email and phone of a lead) that contain ``text``.

    Leads that share all three are one contact; it links to its most recent lead.
    """
    condition = contact_condition(text)
    email = func.lower(Lead.email)
    rows = db.session.execute(
        select(Lead.contact_name, func.min(Lead.email), Lead.phone, func.max(Lead.id),
               func.count(Lead.id))
        .where(condition)
        .group_by(Lead.contact_name, email, Lead.phone)
        .order_by(func.lower(Lead.contact_name), email, Lead.phone)
        .limit(limit)
    ).all()
    titles = dict(db.session.execute(
        select(Lead.id, Lead.title).where(Lead.id.in_([row[3] for row in rows]))
    ).all()) if rows else {}
    contacts = [Contact(name, mail, phone, lead_id, titles.get(lead_id, ""), count)
                for name, mail, phone, lead_id, count in rows]
    key = _contact_key(email)
    total = _count(select(func.count(func.distinct(key))).where(condition))
    return Found("contacts", total, contacts,
                 [matched_fields(text, contact, ("name", "email", "phone"))
                  for contact in contacts])


def matched_fields(text: str, item: Any, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return the (field, value) pairs of ``item`` where the folded ``text`` is found, or
    the phone a number typed otherwise found (``queries.lead_text_condition``)."""
    wanted, digits = fold(text), searched_digits(text)
    found = []
    for name in names:
        value = getattr(item, name) or ""
        if wanted in fold(value) or (
                name == "phone" and digits and digits in phone_search_digits(value)):
            found.append((name, value))
    return found


def _contact_key(email: ColumnElement[str]) -> ColumnElement[str]:
    # One value per contact for COUNT(DISTINCT ...): line breaks never occur in a
    # cleaned name, email or phone.
    return Lead.contact_name + "\n" + email + "\n" + Lead.phone


def _count(statement) -> int:
    return int(db.session.scalar(statement) or 0)

