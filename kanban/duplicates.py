"""The core's own answer to "is this contact already a lead?" (registered as a plugin)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, or_, select

from kanban.extensions import db
from kanban.hookspecs import hookimpl
from kanban.models import Lead, LeadStatus


def phone_digits(phone: str | None) -> str:
    """Return the digits of a phone number, for comparing numbers written differently."""
    return re.sub(r"\D", "", phone or "")


@hookimpl(trylast=True)
def kanban_lead_find_duplicate(
    email: str | None, phone: str | None, since: datetime | None, open_only: bool
) -> Lead | None:
    conditions = []
    if email and email.strip():
        conditions.append(Lead.email == email.strip().lower())
    digits = phone_digits(phone)
    if len(digits) >= 6:
        # Compare the last nine digits, so "+351 912 345 678" matches "912345678".
        conditions.append(
            func.replace(func.replace(func.replace(func.replace(Lead.phone, " ", ""), "-", ""),
                                      "+", ""), ".", "").like(f"%{digits[-9:]}")
        )
    if not conditions:
        return None
    stmt = select(Lead).where(or_(*conditions))
    if open_only:
        stmt = stmt.where(Lead.status == LeadStatus.OPEN)
    if since is not None:
        stmt = stmt.where(Lead.updated_at >= since)
    return db.session.scalars(stmt.order_by(Lead.updated_at.desc()).limit(1)).first()
