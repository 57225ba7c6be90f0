"""Web forms and what visitors sent through them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kanban.extensions import db
from kanban.models import Lead, Stage
from kanban.models.base import JSONType, UTCDateTime, utcnow


class SubmissionStatus(enum.StrEnum):
    LEAD = "lead"  # became a new lead
    DUPLICATE = "duplicate"  # added to an existing lead's timeline
    SPAM = "spam"  # kept for review


class WebForm(db.Model):
    """A contact or quote-request form that visitors fill in on a website."""

    __tablename__ = "webforms"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))  # the team's name for it
    # The title visitors see above the form and in their browser's tab; "": the name.
    heading: Mapped[str] = mapped_column(String(200), default="", server_default="")
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    # [{"key": "name", "label": "Name", "required": true, "custom": false}, ...]
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id", ondelete="SET NULL"))
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    thank_you_message: Mapped[str] = mapped_column(Text, default="")
    redirect_url: Mapped[str] = mapped_column(String(500), default="")
    allowed_origins: Mapped[list[str]] = mapped_column(JSONType, default=list)
    duplicate_days: Mapped[int | None] = mapped_column()
    # The one language the form speaks to visitors (labels, button, messages); None: the
    # team's language.
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stage: Mapped[Stage | None] = relationship()

    @property
    def title(self) -> str:
        """What visitors see the form called."""
        return self.heading or self.name

    @property
    def source(self) -> str:
        return f"web form: {self.name}"

    @property
    def owner_source(self) -> str:
        """The key of the form's owner rule (kept by the core, like every source's)."""
        return f"web form:{self.id}"

    def __repr__(self) -> str:
        return f"<WebForm {self.slug}>"


class Submission(db.Model):
    """One thing a visitor sent: a new lead, a note on an existing lead, or spam."""

    __tablename__ = "webform_submissions"
    __table_args__ = (
        Index("ix_webform_submissions_form_status", "form_id", "status"),
        Index("ix_webform_submissions_status_created", "status", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("webforms.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    spam_reason: Mapped[str] = mapped_column(String(64), default="")
    values: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    meta: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    form: Mapped[WebForm] = relationship()
    lead: Mapped[Lead | None] = relationship()


class UsedToken(db.Model):
    """A fill-time token that already brought a submission in: each is good for one."""

    __tablename__ = "webform_used_tokens"
    __table_args__ = (
        Index("ix_webform_used_tokens_used_at", "used_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("webforms.id", ondelete="CASCADE"))
    # SHA-256 of the token: unique, so two posts of one filled form race safely.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
