"""csv: ids are never reused on SQLite (its tables are rebuilt with AUTOINCREMENT)

Revision ID: 0002_csv
Revises: 0001_csv
Create Date: 2026-12-04 23:55:00

"""
from alembic import op

revision = "0002_csv"
down_revision = "0001_csv"
branch_labels = None
depends_on = None

TABLES_WITH_IDS = (
    "csv_imports",
)


def upgrade():
    # SQLite hands out a deleted row's id again unless the table says AUTOINCREMENT;
    # PostgreSQL's sequences never go back, so there is nothing to change there.
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES_WITH_IDS:
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade():
    pass  # ids that are never reused harm nothing
