"""webform: the title visitors see, apart from the team's name for the form

Revision ID: 0006_webform
Revises: 0005_webform
Create Date: 2026-12-07 03:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0006_webform"
down_revision = "0005_webform"
branch_labels = None
depends_on = None


def upgrade():
    # Forms made before keep showing their name ("") until someone gives them a title.
    with op.batch_alter_table("webforms") as batch_op:
        batch_op.add_column(sa.Column("heading", sa.String(length=200), nullable=False,
                                      server_default=""))


def downgrade():
    with op.batch_alter_table("webforms") as batch_op:
        batch_op.drop_column("heading")
