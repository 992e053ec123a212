"""Imports of files of leads (where each stands, the rows refused) and the report counters of imported leads.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, UtcDateTime, exact_string

revision = "0016"
down_revision = "0015"

# The statuses as they stand at this revision: imported leads are counted by status like every source's.
_STATUSES = ("new", "contacted", "qualified", "proposal", "won", "lost", "spam")


def upgrade() -> None:
    op.create_table(
        "file_imports",
        sa.Column("file_hash", exact_string(64), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("mapping", sa.JSON, nullable=False),
        sa.Column("started_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("next_row", sa.BigInteger, nullable=False),
        sa.Column("created", sa.BigInteger, nullable=False),
        sa.Column("merged", sa.BigInteger, nullable=False),
        sa.Column("duplicates", sa.BigInteger, nullable=False),
        sa.Column("refused", sa.BigInteger, nullable=False),
        sa.Column("finished_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("file_hash", name="pk_file_imports"),
        **MYSQL_OPTIONS,
    )
    op.create_table(
        "file_import_refusals",
        sa.Column("file_hash", exact_string(64), nullable=False),
        sa.Column("row_no", sa.BigInteger, autoincrement=False, nullable=False),
        sa.Column("row_values", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("file_hash", "row_no", name="pk_file_import_refusals"),
        **MYSQL_OPTIONS,
    )
    with op.batch_alter_table("report_counts") as table:
        for status in _STATUSES:
            table.add_column(sa.Column(f"import_{status}", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("report_counts") as table:
        for status in _STATUSES:
            table.drop_column(f"import_{status}")
    op.drop_table("file_import_refusals")
    op.drop_table("file_imports")
