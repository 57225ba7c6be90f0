"""phone keys of a phone holding two numbers: the first number's

Revision ID: 0015_core
Revises: 0014_core
Create Date: 2026-12-07 10:00:00

"""
import re

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0015_core'
down_revision = '0014_core'
branch_labels = None
depends_on = None

BATCH = 1000
# Frozen copies of kanban.phones as it was when this revision was written.
EXTENSION = re.compile(
    r"[\s,;]*(?:ext|extn|extension|extensión|x|int|interno|ramal|доб|добавочный)\.?\s*#?"
    r"\d{1,6}\s*$", re.IGNORECASE)
BETWEEN_NUMBERS = re.compile(r";|,\s|\s/|/\s")


def key_of(phone):
    digits = ''
    for part in BETWEEN_NUMBERS.split(EXTENSION.sub('', phone or '')):
        digits += re.sub(r'\D', '', EXTENSION.sub('', part))
        if len(digits) >= 6:
            break
    return digits[-10:] if len(digits) >= 6 else ''


def old_key_of(phone):
    digits = re.sub(r'\D', '', EXTENSION.sub('', phone or ''))
    return digits[-10:] if len(digits) >= 6 else ''


def upgrade():
    _key_again(key_of)


def downgrade():
    _key_again(old_key_of)


def _key_again(key):
    """Key again the phones that may hold two numbers: those with a separator."""
    bind = op.get_bind()
    leads = sa.table('leads', sa.column('id', sa.Integer), sa.column('phone', sa.String),
                     sa.column('phone_key', sa.String))
    update = (
        sa.update(leads).where(leads.c.id == sa.bindparam('row_id'))
        .values(phone_key=sa.bindparam('key'))
    )
    may_hold_two = sa.or_(leads.c.phone.contains(';'), leads.c.phone.contains(','),
                          leads.c.phone.contains('/'))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(leads.c.id, leads.c.phone, leads.c.phone_key)
            .where(leads.c.id > last, may_hold_two).order_by(leads.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        keyed = [{'row_id': row_id, 'key': key(phone)} for row_id, phone, old in rows
                 if key(phone) != old]
        if keyed:
            bind.execute(update, keyed)
        last = rows[-1][0]
