"""A list as a file: its columns as imported, then each row's status, call-back date,
reason and lead."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select

from kanban.extensions import db
from kanban_prospects.models import ProspectList, ProspectRow
from kanban_prospects.working import STATUS_NAMES

CHUNK = 1000


def row_count(plist: ProspectList) -> int:
    return db.session.scalar(select(func.count()).select_from(ProspectRow)
                             .where(ProspectRow.list_id == plist.id)) or 0


def export_rows(plist: ProspectList) -> Iterator[list[Any]]:
    """The rows in the list's order, a chunk at a time (flat memory at any size)."""
    width = len(plist.columns)
    last = 0
    while True:
        chunk = db.session.execute(
            select(ProspectRow.position, ProspectRow.cells, ProspectRow.status,
                   ProspectRow.call_back_on, ProspectRow.reason, ProspectRow.lead_id)
            .where(ProspectRow.list_id == plist.id, ProspectRow.position > last)
            .order_by(ProspectRow.position).limit(CHUNK)).all()
        if not chunk:
            return
        for position, cells, status, call_back_on, reason, lead_id in chunk:
            yield [*(list(cells) + [""] * width)[:width], str(STATUS_NAMES.get(status, status)),
                   call_back_on, reason, lead_id]
            last = position
