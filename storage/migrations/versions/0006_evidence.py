"""Evidence: files attached to log entries.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("reflection_id", big_id,
                  sa.ForeignKey("reflections.id", ondelete="CASCADE"), nullable=False),
        sa.Column("moment_id", big_id,
                  sa.ForeignKey("learning_moments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("reflection_id", "moment_id", name="uq_evidence_entry_file"),
    )
    op.create_index("ix_evidence_moment", "evidence", ["moment_id"])
    op.create_index("ix_evidence_user", "evidence", ["user_id"])


def downgrade() -> None:
    op.drop_table("evidence")
