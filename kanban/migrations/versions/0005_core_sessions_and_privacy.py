"""sessions that end when they should, the record of exports, ids never reused on SQLite

Revision ID: 0005_core
Revises: 0004_core
Create Date: 2026-12-04 23:50:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0005_core'
down_revision = '0004_core'
branch_labels = None
depends_on = None

# SQLite hands out a deleted row's id again unless the table says AUTOINCREMENT; a link to
# lead #42 must never open somebody else's lead. PostgreSQL's sequences never go back.
TABLES_WITH_IDS = ('users', 'pipelines', 'stages', 'clients', 'leads', 'activities',
                   'api_tokens')


def upgrade():
    is_sqlite = op.get_bind().dialect.name == 'sqlite'
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='1', nullable=False)
        )

    op.create_table('export_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                                  'postgresql'),
              nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=32), nullable=False),
    sa.Column('via', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_export_records_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_records')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('export_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_records_created_at'), ['created_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_export_records_user_id'), ['user_id'],
                              unique=False)

    if is_sqlite:
        for table in TABLES_WITH_IDS:
            with op.batch_alter_table(table, recreate='always',
                                      table_kwargs={'sqlite_autoincrement': True}):
                pass


def downgrade():
    with op.batch_alter_table('export_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_records_user_id'))
        batch_op.drop_index(batch_op.f('ix_export_records_created_at'))
    op.drop_table('export_records')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
