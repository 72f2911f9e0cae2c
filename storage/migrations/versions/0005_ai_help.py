"""AI help: the user's choices, transcripts, the AI-assisted mark and token use.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

utc = sa.DateTime(timezone=True)
no = sa.false()


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("ai_help", sa.Boolean(), nullable=False, server_default=no))
        batch.add_column(sa.Column("voice_consent", sa.Boolean()))
        batch.add_column(sa.Column("voice_consent_at", utc))
    with op.batch_alter_table("learning_moments") as batch:
        batch.add_column(sa.Column("transcript", sa.Text()))
        batch.add_column(sa.Column("local_only", sa.Boolean(), nullable=False,
                                   server_default=no))
    with op.batch_alter_table("reflections") as batch:
        batch.add_column(sa.Column("ai_assisted", sa.Boolean(), nullable=False,
                                   server_default=no))
        batch.add_column(sa.Column("title", sa.String(200)))
        batch.add_column(sa.Column("follow_ups", sa.JSON()))
    op.create_table(
        "llm_usage",
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("audio_seconds", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("llm_usage")
    with op.batch_alter_table("reflections") as batch:
        batch.drop_column("follow_ups")
        batch.drop_column("title")
        batch.drop_column("ai_assisted")
    with op.batch_alter_table("learning_moments") as batch:
        batch.drop_column("local_only")
        batch.drop_column("transcript")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("voice_consent_at")
        batch.drop_column("voice_consent")
        batch.drop_column("ai_help")
