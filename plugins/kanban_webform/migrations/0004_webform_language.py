"""webform: the one language a form speaks to visitors

Revision ID: 0004_webform
Revises: 0003_webform
Create Date: 2026-12-05 00:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0004_webform"
down_revision = "0003_webform"
branch_labels = None
depends_on = None


def upgrade():
    # Forms made before speak the team's language (NULL) until someone chooses.
    with op.batch_alter_table("webforms") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("webforms") as batch_op:
        batch_op.drop_column("language")
