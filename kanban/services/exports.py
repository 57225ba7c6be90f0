"""The record of exports: an export carries the client base, so each one is written down."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from kanban.extensions import db
from kanban.models import ExportRecord, User


def record_export(*, user: User | None, filters: Mapping[str, Any], row_count: int,
                  format: str, via: str = "web") -> ExportRecord:
    """Write down an export: who took it (None: the server's command line), its filters,
    how many rows and in which format."""
    record = ExportRecord(
        user_id=user.id if user is not None else None,
        filters={str(key): str(value) for key, value in filters.items()},
        row_count=row_count,
        format=format[:32],
        via=via[:16],
    )
    db.session.add(record)
    db.session.commit()
    return record


@dataclass(frozen=True)
class ExportPage:
    records: list[ExportRecord]
    page: int
    pages: int
    total: int


def list_exports(page: int, per_page: int) -> ExportPage:
    """Return one page of the exports, newest first."""
    total = db.session.scalar(select(func.count(ExportRecord.id))) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    records = db.session.scalars(
        select(ExportRecord)
        .options(joinedload(ExportRecord.user))
        .order_by(ExportRecord.created_at.desc(), ExportRecord.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return ExportPage(list(records), page, pages, total)
