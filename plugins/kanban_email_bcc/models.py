"""The plugin's tables: dropboxes, stored emails, attachments, the ingestion log,
the quarantine and where IMAP polling left off."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kanban.extensions import db
from kanban.models.base import JSONType, UTCDateTime, utcnow


class Dropbox(db.Model):
    """A person's private address: mail sent to it lands on their leads."""

    __tablename__ = "email_bcc_dropboxes"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailMessage(db.Model):
    """One email on a lead's timeline, stored once whatever the path it came by.

    ``dedupe_key`` is the Message-ID (or a content hash when there is none); its
    unique constraint is what keeps a message from being stored twice.
    """

    __tablename__ = "email_bcc_messages"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    message_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL")
    )
    direction: Mapped[str] = mapped_column(String(16), default="inbound")
    subject: Mapped[str] = mapped_column(String(255), default="")
    from_address: Mapped[str] = mapped_column(String(254), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attachments: Mapped[list[MailAttachment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MailAttachment.id"
    )


class MailAttachment(db.Model):
    """A file that came with an email; its content is kept when small enough."""

    __tablename__ = "email_bcc_attachments"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("email_bcc_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(255), default="application/octet-stream")
    size: Mapped[int] = mapped_column(default=0)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)


class IngestionEntry(db.Model):
    """What happened to one message that came in, and why."""

    __tablename__ = "email_bcc_log"
    __table_args__ = (
        Index("ix_email_bcc_log_user_created", "user_id", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    via: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(255), default="")
    subject: Mapped[str] = mapped_column(String(255), default="")
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuarantinedMessage(db.Model):
    """A message that could not be understood, kept whole for an admin to look at."""

    __tablename__ = "email_bcc_quarantine"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    via: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def can_open_quarantine(user: Any) -> bool:
    """Tell whether a person may open the quarantine: admins only, as it holds anyone's
    mail whole."""
    return bool(getattr(user, "is_admin", False))


class ImapCheckpoint(db.Model):
    """Where polling of one mailbox left off: its UIDVALIDITY and the last UID handled."""

    __tablename__ = "email_bcc_imap_checkpoints"
    __table_args__ = (
        UniqueConstraint("account", "mailbox", name="uq_email_bcc_imap_account"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(255))
    mailbox: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(default=0)
    last_uid: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BouncingAddress(db.Model):
    """A contact's address that a delivery failure report said cannot receive mail."""

    __tablename__ = "email_bcc_bounces"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)  # lowercased, no +tag
    reason: Mapped[str] = mapped_column(String(500), default="")
    bounced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
