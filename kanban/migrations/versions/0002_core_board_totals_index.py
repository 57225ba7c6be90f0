"""cover the board's column totals with an index

Revision ID: 0002_core
Revises: 0001_core
Create Date: 2026-11-22 22:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002_core'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_status_stage')
        batch_op.create_index(
            'ix_leads_board_totals', ['status', 'stage_id', 'currency', 'value'], unique=False
        )


def downgrade():
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_board_totals')
        batch_op.create_index('ix_leads_status_stage', ['status', 'stage_id'], unique=False)
