"""Officers' nudges and each member's copy; the switch for organisation messages; the role an
invite gives.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
utc = sa.DateTime(timezone=True)
unsent = sa.text("outcome IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("org_messages", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    with op.batch_alter_table("invites") as invites:
        invites.add_column(sa.Column("role", sa.String(8), nullable=False,
                                     server_default="member"))
    op.create_table(
        "org_nudges",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("organisation_id", big_id,
                  sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sent_by", sa.BigInteger()),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("confirmed_at", utc),
        sa.Column("recipients", sa.Integer(), nullable=False),
    )
    op.create_table(
        "nudge_deliveries",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("nudge_id", big_id, sa.ForeignKey("org_nudges.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("due_at", utc, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("claim_token", sa.String(32)),
        sa.Column("claimed_at", utc),
        sa.Column("outcome", sa.String(8)),
        sa.Column("settled_at", utc),
        sa.UniqueConstraint("nudge_id", "user_id", name="uq_nudge_delivery"),
    )
    op.create_index("ix_nudge_delivery_due", "nudge_deliveries", ["due_at"],
                    sqlite_where=unsent, postgresql_where=unsent)
    op.create_index("ix_nudge_delivery_user", "nudge_deliveries", ["user_id"])


def downgrade() -> None:
    op.drop_table("nudge_deliveries")
    op.drop_table("org_nudges")
    with op.batch_alter_table("invites") as invites:
        invites.drop_column("role")
    with op.batch_alter_table("users") as users:
        users.drop_column("org_messages")
