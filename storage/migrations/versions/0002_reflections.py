"""Reflections, and what a user's next message answers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
utc = sa.DateTime(timezone=True)
open_only = sa.text("status = 'open'")


def upgrade() -> None:
    op.add_column("users", sa.Column("input_reflection_id", sa.BigInteger()))
    op.add_column("users", sa.Column("input_field", sa.String(40)))
    op.create_table(
        "reflections",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("moment_id", big_id,
                  sa.ForeignKey("learning_moments.id", ondelete="SET NULL")),
        sa.Column("template_id", sa.String(24), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("activity_type", sa.String(24), nullable=False),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer()),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("tags_text", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("last_message_id", sa.BigInteger()),
        sa.Column("started_at", utc, nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.Column("saved_at", utc),
        sa.Column("deleted_at", utc),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_reflection_user_status_date", "reflections",
                    ["user_id", "status", "activity_date"])
    op.create_index("uq_reflection_open_per_user", "reflections", ["user_id"], unique=True,
                    sqlite_where=open_only, postgresql_where=open_only)


def downgrade() -> None:
    op.drop_table("reflections")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("input_field")
        batch.drop_column("input_reflection_id")
