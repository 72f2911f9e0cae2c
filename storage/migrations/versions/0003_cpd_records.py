"""CPD settings on users, CPD records and the audit log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(64)))
        batch.add_column(sa.Column("framework_id", sa.String(24)))
        batch.add_column(sa.Column("profession", sa.String(16)))
        batch.add_column(sa.Column("cycle_end", sa.Date()))
        batch.add_column(sa.Column("annual_target", sa.Integer()))
        batch.add_column(sa.Column("share_reflections", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("setup_done_at", utc))
    op.create_table(
        "cpd_records",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("reflection_id", big_id,
                  sa.ForeignKey("reflections.id", ondelete="SET NULL"), unique=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("framework_id", sa.String(24), nullable=False),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("activity_type", sa.String(24), nullable=False),
        sa.Column("template_id", sa.String(24)),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("minutes", sa.Integer()),
        sa.Column("category", sa.String(24), nullable=False),
        sa.Column("unit", sa.String(8), nullable=False),
        sa.Column("raw", sa.Integer(), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("ai_assisted", sa.Boolean(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("updated_at", utc, nullable=False),
    )
    op.create_index("ix_cpd_record_user_date", "cpd_records",
                    ["user_id", "status", "activity_date"])
    op.create_index("ix_cpd_record_date", "cpd_records", ["activity_date"])
    op.create_table(
        "audit_log",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("at", utc, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("user_id", sa.BigInteger()),
        sa.Column("record_id", sa.BigInteger()),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_subject", "audit_log", ["user_id", "at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("cpd_records")
    with op.batch_alter_table("users") as batch:
        for column in ("setup_done_at", "share_reflections", "annual_target", "cycle_end",
                       "profession", "framework_id", "time_zone"):
            batch.drop_column(column)
