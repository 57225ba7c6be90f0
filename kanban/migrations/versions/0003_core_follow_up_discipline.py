"""follow-up discipline: client folders, starred leads, touches, stale stages, priorities 1-3

Revision ID: 0003_core
Revises: 0002_core
Create Date: 2026-12-01 00:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0003_core'
down_revision = '0002_core'
branch_labels = None
depends_on = None

TOUCHES = "('note', 'call', 'email', 'meeting', 'stage_change')"


def upgrade():
    op.create_table('clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('rating', sa.String(length=1), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients'))
    )
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clients_name'), ['name'], unique=False)

    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stale_days', sa.Integer(), nullable=True))

    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starred', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('client_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('touched_at', sa.DateTime(timezone=True), nullable=True))

    # The last touch already on the timeline, else the lead's creation.
    op.execute(
        "UPDATE leads SET touched_at = COALESCE((SELECT MAX(a.created_at) FROM activities a "
        f"WHERE a.lead_id = leads.id AND a.kind IN {TOUCHES}), created_at)"
    )
    # Priorities were high (2), normal (1) and low (0); prospects are now 1, 2 and 3.
    op.execute("UPDATE leads SET priority = CASE priority WHEN 2 THEN 1 WHEN 0 THEN 3 ELSE 2 END")

    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.alter_column('touched_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.alter_column('starred', existing_type=sa.Boolean(), server_default=None)
        batch_op.create_foreign_key(batch_op.f('fk_leads_client_id_clients'), 'clients',
                                    ['client_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_leads_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_leads_agenda', ['owner_id', 'status', 'next_action_date'],
                              unique=False)
        batch_op.create_index('ix_leads_closed', ['status', 'closed_at'], unique=False)
        batch_op.drop_index('ix_leads_email')
        batch_op.create_index('ix_leads_email_status', ['email', 'status'], unique=False)

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_kind_created', ['kind', 'created_at'], unique=False)
        batch_op.drop_index('ix_activities_lead_created')
        batch_op.create_index('ix_activities_lead_created', ['lead_id', 'created_at', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_lead_created')
        batch_op.create_index('ix_activities_lead_created', ['lead_id', 'created_at'],
                              unique=False)
        batch_op.drop_index('ix_activities_kind_created')

    op.execute("UPDATE leads SET priority = CASE priority WHEN 1 THEN 2 WHEN 3 THEN 0 ELSE 1 END")
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_email_status')
        batch_op.create_index('ix_leads_email', ['email'], unique=False)
        batch_op.drop_index('ix_leads_closed')
        batch_op.drop_index('ix_leads_agenda')
        batch_op.drop_index(batch_op.f('ix_leads_client_id'))
        batch_op.drop_constraint(batch_op.f('fk_leads_client_id_clients'), type_='foreignkey')
        batch_op.drop_column('touched_at')
        batch_op.drop_column('client_id')
        batch_op.drop_column('starred')

    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.drop_column('stale_days')

    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clients_name'))

    op.drop_table('clients')
