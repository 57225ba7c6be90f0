"""webform: a form's owner rule is kept by the core, like every lead source's

Revision ID: 0005_webform
Revises: 0004_webform
Create Date: 2026-12-05 12:10:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "0005_webform"
down_revision = "0004_webform"
branch_labels = None
depends_on = "0009_core"

OWNER_RULES = sa.table(
    "owner_rules",
    sa.column("source", sa.String), sa.column("rule", sa.String),
    sa.column("user_ids", sa.JSON), sa.column("turn", sa.Integer),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
WEBFORMS = sa.table(
    "webforms",
    sa.column("id", sa.Integer), sa.column("owner_rule", sa.String),
    sa.column("owner_id", sa.Integer), sa.column("round_robin_user_ids", sa.JSON),
    sa.column("round_robin_counter", sa.Integer),
)


def upgrade():
    bind = op.get_bind()
    now = datetime.now(timezone.utc)
    rows = []
    for form_id, rule, owner_id, turn_ids, counter in bind.execute(sa.select(
        WEBFORMS.c.id, WEBFORMS.c.owner_rule, WEBFORMS.c.owner_id,
        WEBFORMS.c.round_robin_user_ids, WEBFORMS.c.round_robin_counter,
    )):
        if rule == "fixed" and owner_id:
            rows.append({"source": f"web form:{form_id}", "rule": rule, "user_ids": [owner_id],
                         "turn": 0, "updated_at": now})
        elif rule == "round_robin" and turn_ids:
            rows.append({"source": f"web form:{form_id}", "rule": rule,
                         "user_ids": list(turn_ids), "turn": counter or 0, "updated_at": now})
    if rows:
        bind.execute(sa.insert(OWNER_RULES), rows)
    # Rebuilding the table on SQLite keeps its ids never reused (AUTOINCREMENT).
    with op.batch_alter_table("webforms",
                              table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint("fk_webforms_owner_id_users", type_="foreignkey")
        batch_op.drop_column("owner_rule")
        batch_op.drop_column("owner_id")
        batch_op.drop_column("round_robin_user_ids")
        batch_op.drop_column("round_robin_counter")


def downgrade():
    json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
    # Rebuilding the table on SQLite keeps its ids never reused (AUTOINCREMENT).
    with op.batch_alter_table("webforms",
                              table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("owner_rule", sa.String(length=16), nullable=False,
                                      server_default="none"))
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("round_robin_user_ids", json_type, nullable=False,
                                      server_default="[]"))
        batch_op.add_column(sa.Column("round_robin_counter", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.create_foreign_key("fk_webforms_owner_id_users", "users", ["owner_id"],
                                    ["id"], ondelete="SET NULL")
    op.execute(sa.delete(OWNER_RULES).where(OWNER_RULES.c.source.like("web form:%")))
