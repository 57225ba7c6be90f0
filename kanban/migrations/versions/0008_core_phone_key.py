"""phone keys: every source compares phone numbers on their last nine digits

Revision ID: 0008_core
Revises: 0007_core
Create Date: 2026-12-05 04:30:00

"""
import re

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0008_core'
down_revision = '0007_core'
branch_labels = None
depends_on = None

BATCH = 1000


def phone_key(phone):
    # A frozen copy of kanban.phones.phone_key as it was when this revision was written.
    digits = re.sub(r'\D', '', phone or '')
    return digits[-9:] if len(digits) >= 6 else ''


def upgrade():
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('phone_key', sa.String(length=9), server_default='', nullable=False)
        )
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
        keyed = [{'row_id': row[0], 'key': phone_key(row[1])} for row in rows]
        keyed = [row for row in keyed if row['key']]
        if keyed:
            bind.execute(update, keyed)
        last = rows[-1][0]
    op.create_index(op.f('ix_leads_phone_key'), 'leads', ['phone_key'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_leads_phone_key'), table_name='leads')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_column('phone_key')
