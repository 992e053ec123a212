"""Where the WordPress sync resumes on each form.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, UtcDateTime

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "sync_cursors",
        sa.Column("site", sa.String(40), nullable=False),
        sa.Column("form_id", sa.String(100), nullable=False),
        sa.Column("after_id", sa.String(40), nullable=True),
        sa.Column("last_run_at", UtcDateTime, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("imported_total", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("site", "form_id", name="pk_sync_cursors"),
        **MYSQL_OPTIONS,
    )


def downgrade() -> None:
    op.drop_table("sync_cursors")
