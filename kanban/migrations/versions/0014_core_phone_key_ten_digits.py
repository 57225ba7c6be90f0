"""phone keys of ten digits: +7 912 … and +7 812 … are two numbers

Revision ID: 0014_core
Revises: 0013_core
Create Date: 2026-12-06 21:00:00

"""
import re

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0014_core'
down_revision = '0013_core'
branch_labels = None
depends_on = None

BATCH = 1000


def key_of(phone, digits_kept):
    # A frozen copy of kanban.phones.phone_key as it was when this revision was written.
    digits = re.sub(r'\D', '', phone or '')
    return digits[-digits_kept:] if len(digits) >= 6 else ''


def upgrade():
    with op.batch_alter_table('leads', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.alter_column('phone_key', existing_type=sa.String(length=9),
                              type_=sa.String(length=10), existing_nullable=False,
                              existing_server_default='')
    _key_again(10)


def downgrade():
    _key_again(9)
    with op.batch_alter_table('leads', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.alter_column('phone_key', existing_type=sa.String(length=10),
                              type_=sa.String(length=9), existing_nullable=False,
                              existing_server_default='')


def _key_again(digits_kept):
    """Key again the phones with more digits than the shorter key kept."""
    bind = op.get_bind()
    leads = sa.table('leads', sa.column('id', sa.Integer), sa.column('phone', sa.String),
                     sa.column('phone_key', sa.String))
    update = (
        sa.update(leads).where(leads.c.id == sa.bindparam('row_id'))
        .values(phone_key=sa.bindparam('key'))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(leads.c.id, leads.c.phone).where(leads.c.id > last)
            .order_by(leads.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        keyed = [{'row_id': row_id, 'key': key_of(phone, digits_kept)} for row_id, phone in rows
                 if len(re.sub(r'\D', '', phone or '')) > 9]
        if keyed:
            bind.execute(update, keyed)
        last = rows[-1][0]
