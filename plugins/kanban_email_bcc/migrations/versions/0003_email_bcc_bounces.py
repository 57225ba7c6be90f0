"""email_bcc: contacts' addresses that bounced

Revision ID: 0003_email_bcc
Revises: 0002_email_bcc
Create Date: 2026-12-05 05:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0003_email_bcc"
down_revision = "0002_email_bcc"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "email_bcc_bounces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("bounced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_bcc_bounces")),
        sa.UniqueConstraint("address", name=op.f("uq_email_bcc_bounces_address")),
        sqlite_autoincrement=True,
    )


def downgrade():
    op.drop_table("email_bcc_bounces")
