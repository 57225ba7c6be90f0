"""web forms and their submissions

Revision ID: 0001_webform
Revises:
Create Date: 2026-11-22 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001_webform'
down_revision = None
branch_labels = ('webform',)
depends_on = '0001_core'


def upgrade():
    op.create_table('webforms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.Column('owner_rule', sa.String(length=16), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('round_robin_user_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('round_robin_counter', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('thank_you_message', sa.Text(), nullable=False),
    sa.Column('redirect_url', sa.String(length=500), nullable=False),
    sa.Column('allowed_origins', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('duplicate_days', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_webforms_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_webforms_stage_id_stages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webforms')),
    sa.UniqueConstraint('slug', name=op.f('uq_webforms_slug'))
    )
    op.create_table('webform_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('spam_reason', sa.String(length=64), nullable=False),
    sa.Column('values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('meta', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['webforms.id'], name=op.f('fk_webform_submissions_form_id_webforms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_webform_submissions_lead_id_leads'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webform_submissions'))
    )
    with op.batch_alter_table('webform_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_webform_submissions_form_status', ['form_id', 'status'], unique=False)
        batch_op.create_index('ix_webform_submissions_status_created', ['status', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('webform_submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_webform_submissions_status_created')
        batch_op.drop_index('ix_webform_submissions_form_status')
    op.drop_table('webform_submissions')
    op.drop_table('webforms')
