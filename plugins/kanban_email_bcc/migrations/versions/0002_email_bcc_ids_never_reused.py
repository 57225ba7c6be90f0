"""email_bcc: ids are never reused on SQLite (its tables are rebuilt with AUTOINCREMENT)

Revision ID: 0002_email_bcc
Revises: 0001_email_bcc
Create Date: 2026-12-04 23:55:00

"""
from alembic import op

revision = "0002_email_bcc"
down_revision = "0001_email_bcc"
branch_labels = None
depends_on = None

TABLES_WITH_IDS = (
    "email_bcc_dropboxes",
    "email_bcc_messages",
    "email_bcc_attachments",
    "email_bcc_log",
    "email_bcc_quarantine",
    "email_bcc_imap_checkpoints",
)


def upgrade():
    # SQLite hands out a deleted row's id again unless the table says AUTOINCREMENT;
    # PostgreSQL's sequences never go back, so there is nothing to change there.
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES_WITH_IDS:
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade():
    pass  # ids that are never reused harm nothing
