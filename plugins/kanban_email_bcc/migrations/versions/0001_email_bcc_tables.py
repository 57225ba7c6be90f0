"""email_bcc: dropboxes, stored emails, attachments, ingestion log, quarantine, IMAP state

Revision ID: 0001_email_bcc
Revises:
Create Date: 2026-11-22 22:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0001_email_bcc"
down_revision = None
branch_labels = ("email_bcc",)
depends_on = "0001_core"


def upgrade():
    op.create_table(
        "email_bcc_dropboxes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_email_bcc_dropboxes_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_bcc_dropboxes")),
        sa.UniqueConstraint("user_id", name=op.f("uq_email_bcc_dropboxes_user_id")),
        sa.UniqueConstraint("token", name=op.f("uq_email_bcc_dropboxes_token")),
    )
    op.create_table(
        "email_bcc_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("from_address", sa.String(length=254), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_email_bcc_messages_user_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"],
                                name=op.f("fk_email_bcc_messages_lead_id_leads"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"],
                                name=op.f("fk_email_bcc_messages_activity_id_activities"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_bcc_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_email_bcc_messages_dedupe_key")),
    )
    op.create_index(op.f("ix_email_bcc_messages_message_id"), "email_bcc_messages",
                    ["message_id"], unique=False)
    op.create_index(op.f("ix_email_bcc_messages_lead_id"), "email_bcc_messages",
                    ["lead_id"], unique=False)
    op.create_table(
        "email_bcc_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["email_bcc_messages.id"],
                                name=op.f("fk_email_bcc_attachments_message_id_email_bcc_messages"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_bcc_attachments")),
    )
    op.create_index(op.f("ix_email_bcc_attachments_message_id"), "email_bcc_attachments",
                    ["message_id"], unique=False)
    op.create_table(
        "email_bcc_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                  nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_email_bcc_log_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"],
                                name=op.f("fk_email_bcc_log_lead_id_leads"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_bcc_log")),
    )
    op.create_index("ix_email_bcc_log_user_created", "email_bcc_log", ["user_id", "created_at"],
                    unique=False)
    op.create_table(
        "email_bcc_quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_email_bcc_quarantine_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_bcc_quarantine")),
    )
    op.create_table(
        "email_bcc_imap_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=255), nullable=False),
        sa.Column("mailbox", sa.String(length=255), nullable=False),
        sa.Column("uidvalidity", sa.Integer(), nullable=False),
        sa.Column("last_uid", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_bcc_imap_checkpoints")),
        sa.UniqueConstraint("account", "mailbox", name="uq_email_bcc_imap_account"),
    )


def downgrade():
    op.drop_table("email_bcc_imap_checkpoints")
    op.drop_table("email_bcc_quarantine")
    op.drop_index("ix_email_bcc_log_user_created", table_name="email_bcc_log")
    op.drop_table("email_bcc_log")
    op.drop_index(op.f("ix_email_bcc_attachments_message_id"), table_name="email_bcc_attachments")
    op.drop_table("email_bcc_attachments")
    op.drop_index(op.f("ix_email_bcc_messages_lead_id"), table_name="email_bcc_messages")
    op.drop_index(op.f("ix_email_bcc_messages_message_id"), table_name="email_bcc_messages")
    op.drop_table("email_bcc_messages")
    op.drop_table("email_bcc_dropboxes")
