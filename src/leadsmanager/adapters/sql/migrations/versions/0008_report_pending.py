"""Report count changes are inserted as pending rows and folded into the counts by a periodic job.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, Id, UtcDateTime, exact_string
from leadsmanager.adapters.sql.views.report_rebuild import rebuild

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "report_pending",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("sign", sa.SmallInteger, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("assignee_id", sa.BigInteger, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stage_reached", sa.String(16), nullable=False),
        sa.Column("first_response_at", UtcDateTime, nullable=True),
        sa.Column("site", exact_string(200), nullable=False),
        sa.Column("form_id", exact_string(100), nullable=False),
        sa.Column("service", exact_string(120), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_report_pending"),
        **MYSQL_OPTIONS,
    )


def downgrade() -> None:
    # Count again from the leads, which also takes in the changes not folded yet; then drop them.
    rebuild(op.get_bind())
    op.drop_table("report_pending")
