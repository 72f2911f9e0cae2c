"""Credits per user and month, so a roster sums twelve rows a member, not every record;
filled from the records that exist.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credit_months",
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("month", sa.Date(), primary_key=True),
        sa.Column("credits", sa.BigInteger(), nullable=False),
        sa.Column("last_activity", sa.Date(), nullable=False),
        sqlite_with_rowid=False,
    )
    month = ("CAST(date_trunc('month', activity_date) AS DATE)"
             if op.get_bind().dialect.name == "postgresql"
             else "date(activity_date, 'start of month')")
    op.execute(f"INSERT INTO credit_months (user_id, month, credits, last_activity) "
               f"SELECT user_id, {month}, sum(credits), max(activity_date) FROM cpd_records "
               f"WHERE status = 'active' GROUP BY user_id, {month}")


def downgrade() -> None:
    op.drop_table("credit_months")
