"""csv imports

Revision ID: 0001_csv
Revises:
Create Date: 2026-11-22 22:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001_csv'
down_revision = None
branch_labels = ('csv',)
depends_on = '0001_core'


def upgrade():
    op.create_table('csv_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('counts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('rejected_csv', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_csv_imports_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_csv_imports'))
    )
    with op.batch_alter_table('csv_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_csv_imports_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_csv_imports_sha256'), ['sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('csv_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_csv_imports_sha256'))
        batch_op.drop_index(batch_op.f('ix_csv_imports_user_id'))
    op.drop_table('csv_imports')
