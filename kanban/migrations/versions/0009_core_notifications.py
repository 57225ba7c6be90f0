"""notifications: unassigned leads, owner rules, notifications, digests, follow-up times

Revision ID: 0009_core
Revises: 0008_core
Create Date: 2026-12-05 12:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0009_core'
down_revision = '0008_core'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_action_time', sa.Time(), nullable=True))
    # Rebuilding the table on SQLite keeps its ids never reused (AUTOINCREMENT).
    with op.batch_alter_table('users', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(
            sa.Column('notification_settings', JSON, server_default='{}', nullable=False)
        )
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_users_calendar_token'), ['calendar_token']
        )
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('payload', JSON, nullable=False),
        sa.Column('once_key', sa.String(length=120), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('email_state', sa.String(length=12), nullable=False),
        sa.Column('email_attempts', sa.Integer(), nullable=False),
        sa.Column('email_next_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('email_error', sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notifications_actor_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_notifications_lead_id_leads'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('user_id', 'once_key', name='uq_notifications_user_once'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_notifications_email', 'notifications', ['email_state', 'email_next_at'], unique=False)
    op.create_index(op.f('ix_notifications_lead_id'), 'notifications', ['lead_id'], unique=False)
    op.create_index('ix_notifications_user_read', 'notifications', ['user_id', 'read_at', 'id'], unique=False)
    op.create_table(
        'owner_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=120), nullable=False),
        sa.Column('rule', sa.String(length=16), nullable=False),
        sa.Column('user_ids', JSON, nullable=False),
        sa.Column('turn', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_owner_rules')),
        sa.UniqueConstraint('source', name=op.f('uq_owner_rules_source')),
        sqlite_autoincrement=True,
    )
    op.create_table(
        'digests_sent',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digests_sent_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_digests_sent')),
    )


def downgrade():
    op.drop_table('digests_sent')
    op.drop_table('owner_rules')
    op.drop_index('ix_notifications_user_read', table_name='notifications')
    op.drop_index(op.f('ix_notifications_lead_id'), table_name='notifications')
    op.drop_index('ix_notifications_email', table_name='notifications')
    op.drop_table('notifications')
    # Rebuilding the table on SQLite keeps its ids never reused (AUTOINCREMENT).
    with op.batch_alter_table('users', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_calendar_token'), type_='unique')
        batch_op.drop_column('calendar_token')
        batch_op.drop_column('notification_settings')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_column('next_action_time')
