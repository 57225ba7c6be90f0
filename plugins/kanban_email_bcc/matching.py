"""Which lead an email belongs to: its thread, else the prospect's address."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from kanban.emails import is_email
from kanban.extensions import db
from kanban.models import Lead, LeadStatus, User
from kanban_email_bcc.dropbox import team_domains
from kanban_email_bcc.models import MailMessage
from kanban_email_bcc.parsing import Address


def base_address(address: str) -> str:
    """Return the address without its +tag, lower case: a+tag@x is a@x."""
    local, _, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def is_contact(lead: Lead, address: str) -> bool:
    """Tell whether an address is the lead's contact's (whatever the case and +tags)."""
    return bool(lead.email and address) and base_address(lead.email) == base_address(address)


def team_addresses() -> set[str]:
    """Return every team member's address (without +tags)."""
    return {base_address(email) for email in db.session.scalars(select(User.email)) if email}


def is_team(address: str, team: set[str], domains: set[str]) -> bool:
    """Tell whether an address is the team's own (a person's, or a team domain)."""
    return base_address(address) in team or address.rpartition("@")[2].lower() in domains


def prospects(addresses: list[Address], team: set[str]) -> list[Address]:
    """Return the outside, valid addresses, in order, each once."""
    domains = team_domains()
    seen: set[str] = set()
    found: list[Address] = []
    for name, address in addresses:
        if not address or is_team(address, team, domains) or base_address(address) in seen:
            continue
        if not is_email(address):
            continue
        seen.add(base_address(address))
        found.append((name, address))
    return found


def unwritable(addresses: list[Address], team: set[str]) -> list[str]:
    """Return the outside addresses ``prospects`` leaves out as not valid, in order, each
    once (a reserved domain such as .test, a domain without a dot)."""
    domains = team_domains()
    found: list[str] = []
    for _name, address in addresses:
        if (address and not is_team(address, team, domains) and not is_email(address)
                and address not in found):
            found.append(address)
    return found


def lead_in_thread(message_ids: list[str]) -> Lead | None:
    """Return the lead an earlier message of the same thread is on."""
    if not message_ids:
        return None
    lead_id = db.session.scalar(
        select(MailMessage.lead_id)
        .where(MailMessage.message_id.in_(message_ids[:100]), MailMessage.lead_id.is_not(None),
               MailMessage.status == "stored")
        .order_by(MailMessage.received_at.desc())
        .limit(1)
    )
    return db.session.get(Lead, lead_id) if lead_id else None


def lead_for_address(address: str) -> Lead | None:
    """Return the most recently active open lead whose contact is this address."""
    base = base_address(address)
    local, _, domain = base.rpartition("@")
    pattern = _like_escape(local) + "+%@" + _like_escape(domain)
    email = func.lower(Lead.email)
    return db.session.scalars(
        select(Lead)
        .where(Lead.status == LeadStatus.OPEN,
               or_(email == base, email.like(pattern, escape="\\")))
        .order_by(Lead.updated_at.desc(), Lead.id.desc())
        .limit(1)
    ).first()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
