"""A new API key waits here, masked, to be shown once after the redirect that follows its creation.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, Id, UtcDateTime, exact_string

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    op.create_table(
        "key_notices",
        sa.Column("key", exact_string(64), nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("masked", exact_string(256), nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_key_notices"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_key_notices_user_id_users"),
        **MYSQL_OPTIONS,
    )
    op.create_index("ix_key_notices_expires_at", "key_notices", ["expires_at"])


def downgrade() -> None:
    op.drop_table("key_notices")
