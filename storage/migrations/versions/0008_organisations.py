"""Organisations: the tree, memberships with roles and sharing, invite links.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("parent_id", big_id, sa.ForeignKey("organisations.id", ondelete="RESTRICT")),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("framework_id", sa.String(24)),
        sa.Column("time_zone", sa.String(64)),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("requires_approval", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", utc, nullable=False),
    )
    op.create_index("ix_organisation_path", "organisations", ["path"])
    op.create_table(
        "memberships",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("organisation_id", big_id,
                  sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("staff_number", sa.String(64)),
        sa.Column("department", sa.String(200)),
        sa.Column("listed_name", sa.String(200)),
        sa.Column("share_reflections", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("sharing_since", utc),
        sa.Column("joined_at", utc, nullable=False),
        sa.Column("left_at", utc),
        sa.UniqueConstraint("organisation_id", "user_id", name="uq_membership"),
    )
    op.create_index("ix_membership_user", "memberships", ["user_id"])
    op.create_index("ix_membership_org_status", "memberships", ["organisation_id", "status"])
    op.create_table(
        "invites",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("organisation_id", big_id,
                  sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", sa.BigInteger()),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("expires_at", utc),
        sa.Column("max_uses", sa.Integer()),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("revoked_at", utc),
        sa.Column("staff_number", sa.String(64)),
        sa.Column("department", sa.String(200)),
        sa.Column("listed_name", sa.String(200)),
    )


def downgrade() -> None:
    op.drop_table("invites")
    op.drop_table("memberships")
    op.drop_table("organisations")
