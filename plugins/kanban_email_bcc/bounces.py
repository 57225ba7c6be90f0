"""Contacts whose address bounced: flagged from delivery failure reports, cleared when they
write again."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, or_, select

from kanban.extensions import db
from kanban.models import Lead
from kanban.models.base import utcnow
from kanban.services.queries import like_literal
from kanban_email_bcc.matching import base_address
from kanban_email_bcc.models import BouncingAddress


def flag_bounces(failures: Sequence[tuple[str, str]]) -> list[int]:
    """Flag each failed address (the latest reason wins); return the leads it concerns."""
    lead_ids: list[int] = []
    for address, reason in failures:
        base = base_address(address)
        flag = db.session.scalar(select(BouncingAddress).where(BouncingAddress.address == base))
        if flag is None:
            db.session.add(BouncingAddress(address=base, reason=reason, bounced_at=utcnow()))
        else:
            flag.reason, flag.bounced_at = reason, utcnow()
        lead_ids += db.session.scalars(
            select(Lead.id).where(_same_mailbox(base)).order_by(Lead.id))
    db.session.commit()
    return lead_ids


def _same_mailbox(base: str) -> ColumnElement[bool]:
    """Leads whose email is this mailbox, with or without a +tag (a+offers@x is a@x)."""
    local, _, domain = base.rpartition("@")
    email = func.lower(Lead.email)
    return or_(email == base,
               email.like(f"{like_literal(local)}+%@{like_literal(domain)}", escape="\\"))


def clear_bounce(address: str) -> None:
    """The contact wrote to us from this address: it receives mail again."""
    db.session.execute(delete(BouncingAddress).where(
        BouncingAddress.address == base_address(address)))


def bounces_of(leads: Sequence[Lead]) -> dict[int, BouncingAddress]:
    """Return the bounce flag of each lead whose contact address has one, in one query."""
    by_address: dict[str, list[int]] = {}
    for lead in leads:
        if lead.email:
            by_address.setdefault(base_address(lead.email), []).append(lead.id)
    if not by_address:
        return {}
    flags = db.session.scalars(
        select(BouncingAddress).where(BouncingAddress.address.in_(list(by_address))))
    return {lead_id: flag for flag in flags for lead_id in by_address[flag.address]}
