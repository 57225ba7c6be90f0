"""stage rules: what happens to a lead entering a stage

Revision ID: 0012_core
Revises: 0011_core
Create Date: 2026-12-05 17:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0012_core'
down_revision = '0011_core'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('stages', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('rules', JSON, server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('stages', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('rules')
