"""phone search digits: a search by phone finds every number of a phone, not only the first

Revision ID: 0016_core
Revises: 0015_core
Create Date: 2026-12-08 10:00:00

"""
import re

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0016_core'
down_revision = '0015_core'
branch_labels = None
depends_on = None

BATCH = 1000
# Frozen copies of kanban.phones as it was when this revision was written.
EXTENSION = re.compile(
    r"[\s,;]*(?:ext|extn|extension|extensión|x|int|interno|ramal|доб|добавочный)\.?\s*#?"
    r"\d{1,6}\s*$", re.IGNORECASE)
BETWEEN_NUMBERS = re.compile(r";|,\s|\s/|/\s")


def search_digits_of(phone):
    numbers, digits = [], ''
    for part in BETWEEN_NUMBERS.split(EXTENSION.sub('', phone or '')):
        digits += re.sub(r'\D', '', EXTENSION.sub('', part))
        if len(digits) >= 6:
            numbers.append(digits)
            digits = ''
    return ' '.join(numbers if numbers or not digits else [digits])


def upgrade():
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_search_digits', sa.String(length=64),
                                      server_default='', nullable=False))
    bind = op.get_bind()
    leads = sa.table('leads', sa.column('id', sa.Integer), sa.column('phone', sa.String),
                     sa.column('phone_search_digits', sa.String))
    update = (
        sa.update(leads).where(leads.c.id == sa.bindparam('row_id'))
        .values(phone_search_digits=sa.bindparam('digits'))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(leads.c.id, leads.c.phone).where(leads.c.id > last, leads.c.phone != '')
            .order_by(leads.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        found = [{'row_id': row_id, 'digits': search_digits_of(phone)} for row_id, phone in rows]
        found = [row for row in found if row['digits']]
        if found:
            bind.execute(update, found)
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_column('phone_search_digits')
