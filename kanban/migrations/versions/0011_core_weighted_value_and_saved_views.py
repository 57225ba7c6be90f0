"""weighted value: a win probability per stage; saved views of the board's filters

Revision ID: 0011_core
Revises: 0010_core
Create Date: 2026-12-05 16:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011_core'
down_revision = '0010_core'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stages', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(
            sa.Column('win_probability', sa.Integer(), server_default='10', nullable=False)
        )
    # Existing stages get a probability by their place, as new ones do
    # (kanban.models.pipeline.default_win_probability): 10 %, 30 %, 50 %, 70 %, then 90 %.
    op.execute(
        "UPDATE stages SET win_probability = "
        "CASE WHEN position >= 4 THEN 90 WHEN position < 0 THEN 10 ELSE 10 + 20 * position END"
    )
    op.create_table(
        'saved_views',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('query', sa.String(length=2000), nullable=False),
        sa.Column('shared', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_saved_views_owner_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_views')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_saved_views_owner_name', 'saved_views', ['owner_id', 'name'], unique=False)
    op.create_index(op.f('ix_saved_views_shared'), 'saved_views', ['shared'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_saved_views_shared'), table_name='saved_views')
    op.drop_index('ix_saved_views_owner_name', table_name='saved_views')
    op.drop_table('saved_views')
    with op.batch_alter_table('stages', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('win_probability')
