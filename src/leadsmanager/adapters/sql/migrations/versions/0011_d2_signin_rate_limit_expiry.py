"""Rate-limit rows say when their window ends, so ended ones can be pruned; where users signed in from.

The counters are rebuilt empty rather than converted: they hold at most a quarter of an hour of
attempts, and every limit simply starts a fresh window.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, Id, UtcDateTime, exact_string

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    op.drop_table("rate_limits")
    op.create_table(
        "rate_limits",
        sa.Column("key", exact_string(191), nullable=False),
        sa.Column("hits", sa.Integer, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limits"),
        **MYSQL_OPTIONS,
    )
    op.create_index("ix_rate_limits_expires_at", "rate_limits", ["expires_at"])
    op.create_table(
        "sign_in_addresses",
        sa.Column("user_id", Id, nullable=False),
        sa.Column("address", exact_string(64), nullable=False),
        sa.Column("last_signed_in_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "address", name="pk_sign_in_addresses"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_sign_in_addresses_user_id_users"),
        **MYSQL_OPTIONS,
    )


def downgrade() -> None:
    op.drop_table("sign_in_addresses")
    op.drop_table("rate_limits")
    op.create_table(
        "rate_limits",
        sa.Column("key", exact_string(191), nullable=False),
        sa.Column("window_start", UtcDateTime, nullable=False),
        sa.Column("hits", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limits"),
        **MYSQL_OPTIONS,
    )
