"""prospect lists, their rows and the touches logged on them

Revision ID: 0001_prospects
Revises:
Create Date: 2026-12-05 22:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001_prospects'
down_revision = None
branch_labels = ('prospects',)
depends_on = '0013_core'

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'prospect_lists',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('columns', JSON, nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'],
                                name=op.f('fk_prospect_lists_owner_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_prospect_lists')),
        sqlite_autoincrement=True,
    )
    op.create_table(
        'prospect_rows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('list_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('cells', JSON, nullable=False),
        sa.Column('contact_name', sa.String(length=200), nullable=False),
        sa.Column('company', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=50), nullable=False),
        sa.Column('search_text', sa.Text(), nullable=False),
        sa.Column('folded', JSON, nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('call_back_on', sa.Date(), nullable=True),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('lead_id', sa.Integer(), nullable=True),
        sa.Column('contacted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['list_id'], ['prospect_lists.id'],
                                name=op.f('fk_prospect_rows_list_id_prospect_lists'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['assignee_id'], ['users.id'],
                                name=op.f('fk_prospect_rows_assignee_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'],
                                name=op.f('fk_prospect_rows_lead_id_leads'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_prospect_rows')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_prospect_rows_list', 'prospect_rows', ['list_id', 'position'])
    op.create_index('ix_prospect_rows_progress', 'prospect_rows',
                    ['list_id', 'status', 'reason', 'contacted_at', 'lead_id'])
    op.create_index('ix_prospect_rows_call_back', 'prospect_rows', ['status', 'call_back_on'])
    op.create_index('ix_prospect_rows_lead', 'prospect_rows', ['lead_id'])
    op.create_table(
        'prospect_touches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('row_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['row_id'], ['prospect_rows.id'],
                                name=op.f('fk_prospect_touches_row_id_prospect_rows'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_prospect_touches_author_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_prospect_touches')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_prospect_touches_row', 'prospect_touches', ['row_id', 'id'])


def downgrade():
    op.drop_table('prospect_touches')
    op.drop_table('prospect_rows')
    op.drop_table('prospect_lists')
