"""lead events: the outbox every lead change writes, read by open boards and integrations

Revision ID: 0010_core
Revises: 0009_core
Create Date: 2026-12-05 17:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0010_core'
down_revision = '0009_core'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'lead_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('pipeline_id', sa.Integer(), nullable=True),
        sa.Column('stage_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('payload', JSON, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_events')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_lead_events_created_at', 'lead_events', ['created_at'], unique=False)
    op.create_index(op.f('ix_lead_events_lead_id'), 'lead_events', ['lead_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_lead_events_lead_id'), table_name='lead_events')
    op.drop_index('ix_lead_events_created_at', table_name='lead_events')
    op.drop_table('lead_events')
