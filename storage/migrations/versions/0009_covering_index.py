"""Credits in the records' (user, status, date) index, so a roster's sums read it alone.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_cpd_record_user_date", "cpd_records")
    op.create_index("ix_cpd_record_user_date", "cpd_records",
                    ["user_id", "status", "activity_date", "credits"])


def downgrade() -> None:
    op.drop_index("ix_cpd_record_user_date", "cpd_records")
    op.create_index("ix_cpd_record_user_date", "cpd_records",
                    ["user_id", "status", "activity_date"])
