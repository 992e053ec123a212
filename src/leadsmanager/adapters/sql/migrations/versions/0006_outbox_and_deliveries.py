"""The transactional outbox, the delivery log that sends each notice once, and failed tasks.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, Id, UtcDateTime

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "outbox_events",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("lead_id", Id, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("published_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_events"),
        **MYSQL_OPTIONS,
    )
    op.create_index("ix_outbox_events_published_at_id", "outbox_events", ["published_at", "id"])
    op.create_table(
        "deliveries",
        sa.Column("lead_id", Id, nullable=False),
        sa.Column("notice", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("claimed_at", UtcDateTime, nullable=False),
        sa.Column("sent_at", UtcDateTime, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("lead_id", "notice", "channel", name="pk_deliveries"),
        **MYSQL_OPTIONS,
    )
    op.create_table(
        "failed_tasks",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("task", sa.String(100), nullable=False),
        sa.Column("args", sa.JSON, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("failed_at", UtcDateTime, nullable=False),
        sa.Column("retried_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_failed_tasks"),
        **MYSQL_OPTIONS,
    )


def downgrade() -> None:
    op.drop_table("failed_tasks")
    op.drop_table("deliveries")
    op.drop_index("ix_outbox_events_published_at_id", table_name="outbox_events")
    op.drop_table("outbox_events")
