"""search that ignores case and accents in every script: folded search_text columns

Revision ID: 0007_core
Revises: 0006_core
Create Date: 2026-12-05 00:00:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0007_core'
down_revision = '0006_core'
branch_labels = None
depends_on = None

BATCH = 1000
LEAD_FIELDS = ('title', 'company', 'contact_name', 'email', 'phone')


def fold(text):
    # A frozen copy of kanban.folding.fold as it was when this revision was written:
    # the rows are filled the way the application of that day searched them.
    decomposed = unicodedata.normalize('NFKD', unicodedata.normalize('NFKD', text).casefold())
    bare = ''.join(char for char in decomposed if not unicodedata.combining(char))
    return ' '.join(bare.split())


def upgrade():
    bind = op.get_bind()
    for table in ('leads', 'clients'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('search_text', sa.Text(), server_default='', nullable=False)
            )
    _backfill(bind, 'leads', LEAD_FIELDS)
    _backfill(bind, 'clients', ('name',))
    if bind.dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_index(
        'ix_leads_search_text', 'leads', ['search_text'], unique=False,
        postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'},
    )


def _backfill(bind, name, fields):
    table = sa.table(name, sa.column('id', sa.Integer), sa.column('search_text', sa.Text),
                     *(sa.column(field, sa.String) for field in fields))
    update = (
        sa.update(table).where(table.c.id == sa.bindparam('row_id'))
        .values(search_text=sa.bindparam('folded'))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, *(table.c[field] for field in fields))
            .where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        bind.execute(update, [
            {'row_id': row[0], 'folded': '\n'.join(fold(value or '') for value in row[1:])}
            for row in rows
        ])
        last = rows[-1][0]


def downgrade():
    op.drop_index('ix_leads_search_text', table_name='leads')
    for table in ('clients', 'leads'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_text')
