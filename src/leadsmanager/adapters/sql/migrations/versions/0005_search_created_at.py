"""Search terms carry their lead's created_at, so a search can sort its matches before reading leads.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import UtcDateTime

revision = "0005"
down_revision = "0004"

# Only a placeholder while the column is added: every row is backfilled before the default is dropped.
# Adding a NOT NULL column with a constant default is instant on MariaDB and allowed on SQLite.
_PLACEHOLDER = "1970-01-01 00:00:00"

# A correlated subquery rather than UPDATE ... JOIN (MariaDB) or UPDATE ... FROM (SQLite): both run it.
_BACKFILL = (
    "UPDATE lead_search SET created_at = (SELECT leads.created_at FROM leads WHERE leads.id = lead_search.lead_id)"
)


def upgrade() -> None:
    op.add_column(
        "lead_search",
        sa.Column("created_at", UtcDateTime, nullable=False, server_default=sa.text(f"'{_PLACEHOLDER}'")),
    )
    op.execute(_BACKFILL)
    # MariaDB drops the default in place; SQLite cannot, so batch mode copies its table.
    with op.batch_alter_table("lead_search") as batch:
        batch.alter_column("created_at", existing_type=UtcDateTime, existing_nullable=False, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("lead_search") as batch:
        batch.drop_column("created_at")
