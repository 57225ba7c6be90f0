"""Many leads at once, inserted in bulk (for streaming tests and the benchmark)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert

from kanban.extensions import db
from kanban.models import Lead, LeadTag, Stage


def insert_leads(stage: Stage, count: int, *, owner_id: int | None = None,
                 chunk: int = 5000) -> None:
    """Insert ``count`` leads with accents, Cyrillic, numbers, dates and a tag on some."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for first in range(0, count, chunk):
        rows = []
        for i in range(first, min(first + chunk, count)):
            rows.append({
                "title": f"Lead {i} – Padaria São João / Ромашка",
                "contact_name": f"João Иван {i}",
                "company": f"Empresa {i % 977} Lda",
                "email": f"contact{i}@client.example",
                "phone": f"+351 91{i:07d}",
                "value": Decimal(i % 5000) + Decimal("0.50"),
                "currency": "EUR",
                "source": "web form: Contact" if i % 3 else "manual",
                "owner_id": owner_id,
                "priority": 1,
                "description": "Line one\nLine \"two\"" if i % 7 == 0 else "",
                "custom_fields": {"Budget": str(i % 9)} if i % 4 == 0 else {},
                "stage_id": stage.id,
                "rank": f"a{i:09d}",
                "status": "open",
                "lost_reason": "",
                "next_action_kind": "todo",
                "next_action_date": date(2026, 3, 1) + timedelta(days=i % 60),
                "next_action_text": "Call back",
                "created_at": start + timedelta(seconds=i),
                "updated_at": start + timedelta(seconds=i),
                "version": 1,
            })
        db.session.execute(insert(Lead), rows)
    db.session.commit()
    ids = db.session.scalars(db.select(Lead.id).where(Lead.stage_id == stage.id)).all()
    db.session.execute(insert(LeadTag), [{"lead_id": i, "tag": "fair"} for i in ids[::10]])
    db.session.commit()
