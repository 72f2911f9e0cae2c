"""Reminder rows and quiet hours.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
utc = sa.DateTime(timezone=True)
active = sa.text("active")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("quiet_from", sa.Integer()))
        batch.add_column(sa.Column("quiet_until", sa.Integer()))
    op.create_table(
        "reminders",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("local_minute", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("quiet_days", sa.Integer()),
        sa.Column("next_due_at", utc, nullable=False),
        sa.Column("last_sent_at", utc),
        sa.Column("snoozed_until", utc),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("off_reason", sa.String(8)),
        sa.Column("claim_token", sa.String(32)),
        sa.Column("claimed_at", utc),
        sa.UniqueConstraint("user_id", "kind", name="uq_reminder_user_kind"),
    )
    op.create_index("ix_reminder_due", "reminders", ["next_due_at"],
                    sqlite_where=active, postgresql_where=active)


def downgrade() -> None:
    op.drop_index("ix_reminder_due", table_name="reminders")
    op.drop_table("reminders")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("quiet_until")
        batch.drop_column("quiet_from")
