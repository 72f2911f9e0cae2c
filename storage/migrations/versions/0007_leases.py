"""Several instances: whose update each journal row is, and leases on users and the sweep.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

unprocessed = sa.text("processed_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("update_journal") as batch:
        batch.add_column(sa.Column("user_key", sa.BigInteger()))
    # Rows already there get theirs too, so erasing an account finds its messages.
    bind = op.get_bind()
    for update_id, payload in bind.execute(sa.text(
            "SELECT update_id, payload FROM update_journal WHERE user_key IS NULL")).all():
        bind.execute(sa.text("UPDATE update_journal SET user_key = :key WHERE update_id = :id"),
                     {"key": _user_key(json.loads(payload)), "id": update_id})
    op.create_index("ix_journal_user_waiting", "update_journal", ["user_key", "update_id"],
                    sqlite_where=unprocessed, postgresql_where=unprocessed)
    op.create_table(
        "leases",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(96), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def _user_key(raw: dict) -> int:
    """As storage.journal.user_key was when this migration was written."""
    for kind in ("message", "edited_message", "callback_query", "my_chat_member"):
        body = raw.get(kind)
        if isinstance(body, dict):
            for holder in ("from", "chat"):
                found = body.get(holder)
                if isinstance(found, dict) and isinstance(found.get("id"), int):
                    return int(found["id"])
    return 0


def downgrade() -> None:
    op.drop_table("leases")
    op.drop_index("ix_journal_user_waiting", "update_journal")
    with op.batch_alter_table("update_journal") as batch:
        batch.drop_column("user_key")
