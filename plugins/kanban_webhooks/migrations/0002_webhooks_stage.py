"""a webhook may listen to one stage only

Revision ID: 0002_webhooks
Revises: 0001_webhooks
Create Date: 2026-12-05 17:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0002_webhooks'
down_revision = '0001_webhooks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhook_subscriptions', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('stage_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_webhook_subscriptions_stage_id_stages'), 'stages', ['stage_id'],
            ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('webhook_subscriptions', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_webhook_subscriptions_stage_id_stages'),
                                 type_='foreignkey')
        batch_op.drop_column('stage_id')
