from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kanban.extensions import db
from kanban.models.base import JSONType, UTCDateTime, utcnow


class Pipeline(db.Model):
    __tablename__ = "pipelines"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stages: Mapped[list[Stage]] = relationship(
        back_populates="pipeline",
        order_by="Stage.position",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Pipeline {self.name}>"


class Stage(db.Model):
    __tablename__ = "stages"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline_id: Mapped[int] = mapped_column(
        ForeignKey("pipelines.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    is_proposal: Mapped[bool] = mapped_column(default=False)
    # Days without a touch after which an open lead of this stage is flagged as stale.
    stale_days: Mapped[int | None] = mapped_column()
    # The chance, in percent, that a lead of this stage is won: the board weighs each
    # column's value by it. New stages get one by their place (default_win_probability).
    win_probability: Mapped[int] = mapped_column(
        default=lambda context: default_win_probability(
            context.get_current_parameters().get("position") or 0
        ),
        server_default="10",
    )
    # What happens to a lead entering this stage (kanban.services.stage_rules): its
    # follow-up in some days, a new owner, a tag, someone told. Empty: nothing.
    rules: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, server_default="{}")

    pipeline: Mapped[Pipeline] = relationship(back_populates="stages")

    def __repr__(self) -> str:
        return f"<Stage {self.name}>"


def default_win_probability(position: int) -> int:
    """Return the win probability a stage gets by its place: 10 % first, 20 more a step."""
    return min(90, 10 + 20 * max(0, position))
