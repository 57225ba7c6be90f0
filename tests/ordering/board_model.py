"""A plain Python model of a board, and checks that the database agrees with it."""

from __future__ import annotations

from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead


class BoardModel:
    """Each stage's leads top to bottom, closed ones kept in their place (as ranks do)."""

    def __init__(self, stage_ids: list[int]):
        self.columns: dict[int, list[int]] = {sid: [] for sid in stage_ids}
        self.closed: set[int] = set()
        self.versions: dict[int, int] = {}

    def stage_of(self, lead_id: int) -> int:
        return next(sid for sid, ids in self.columns.items() if lead_id in ids)

    def visible(self, stage_id: int) -> list[int]:
        return [i for i in self.columns[stage_id] if i not in self.closed]

    def open_ids(self) -> list[int]:
        return sorted(i for i in self.versions if i not in self.closed)

    def add_at_top(self, stage_id: int, lead_id: int, version: int) -> None:
        self.columns[stage_id].insert(0, lead_id)
        self.versions[lead_id] = version

    def move(self, lead_id: int, stage_id: int, after_id: int | None, before_id: int | None):
        self.columns[self.stage_of(lead_id)].remove(lead_id)
        column = self.columns[stage_id]
        if after_id is not None:
            column.insert(column.index(after_id) + 1, lead_id)
        elif before_id is not None:
            column.insert(column.index(before_id), lead_id)
        else:
            column.append(lead_id)


def assert_database_matches(model: BoardModel) -> None:
    """Order, membership, distinct ranks and versions in the database equal the model's."""
    rows = db.session.execute(
        select(Lead.id, Lead.stage_id, Lead.rank, Lead.status, Lead.version)
        .where(Lead.stage_id.in_(list(model.columns)))
        .order_by(Lead.stage_id, Lead.rank)
    ).all()
    for stage_id, expected in model.columns.items():
        column = [row for row in rows if row.stage_id == stage_id]
        assert [row.id for row in column] == expected, f"order of stage {stage_id}"
        ranks = [row.rank for row in column]
        assert len(set(ranks)) == len(ranks), f"ranks of stage {stage_id} repeat"
        assert ranks == sorted(ranks), "database and Python disagree on key order"
        assert [row.id for row in column if row.status == "open"] == model.visible(stage_id)
    assert sorted(row.id for row in rows) == sorted(model.versions), "a lead lost or doubled"
    stored = {row.id: row.version for row in rows}
    assert stored == model.versions, "a lead was written although it was not moved"
