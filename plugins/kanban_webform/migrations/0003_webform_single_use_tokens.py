"""each fill-time token brings in one submission: two posts of one filled form make one lead

Revision ID: 0003_webform
Revises: 0002_webform
Create Date: 2026-12-05 00:25:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0003_webform'
down_revision = '0002_webform'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'webform_used_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('form_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['form_id'], ['webforms.id'],
                                name=op.f('fk_webform_used_tokens_form_id_webforms'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webform_used_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_webform_used_tokens_token_hash')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_webform_used_tokens_used_at', 'webform_used_tokens', ['used_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_webform_used_tokens_used_at', table_name='webform_used_tokens')
    op.drop_table('webform_used_tokens')
