"""Users, learning moments and the update journal.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("first_name", sa.String(256)),
        sa.Column("telegram_language", sa.String(35)),
        sa.Column("language", sa.String(8)),
        sa.Column("created_at", utc, nullable=False),
    )
    op.create_table(
        "learning_moments",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.BigInteger(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("urls", sa.JSON(), nullable=False),
        sa.Column("forward_origin", sa.JSON()),
        sa.Column("file_id", sa.String(256)),
        sa.Column("file_unique_id", sa.String(128)),
        sa.Column("file_name", sa.String(512)),
        sa.Column("mime_type", sa.String(128)),
        sa.Column("file_size", sa.BigInteger()),
        sa.Column("duration_seconds", sa.Integer()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sent_at", utc, nullable=False),
        sa.Column("stored_at", utc, nullable=False),
        sa.Column("edited_at", utc),
        sa.Column("dropped_at", utc),
        sa.Column("ack_message_id", sa.BigInteger()),
        sa.UniqueConstraint("chat_id", "message_id", name="uq_moment_source_message"),
    )
    op.create_index(
        "ix_moment_user_status_time", "learning_moments", ["user_id", "status", "sent_at"]
    )
    op.create_table(
        "update_journal",
        sa.Column("update_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", utc, nullable=False),
        sa.Column("processed_at", utc),
        sa.Column("attempts", sa.Integer(), nullable=False),
    )
    op.create_index("ix_journal_unprocessed", "update_journal", ["processed_at", "update_id"])


def downgrade() -> None:
    op.drop_table("update_journal")
    op.drop_index("ix_moment_user_status_time", table_name="learning_moments")
    op.drop_table("learning_moments")
    op.drop_table("users")
