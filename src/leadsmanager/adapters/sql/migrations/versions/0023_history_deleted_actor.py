"""A history entry made by a user since deleted is told apart from the system's own change
(lead_history.actor_deleted): both have no actor_id. Existing rows are the system's (false).

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"


def upgrade() -> None:
    # A server default, kept: adding the column then costs no rewrite of the table (SQLite, MariaDB).
    op.add_column("lead_history", sa.Column("actor_deleted", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("lead_history") as batch:
        batch.drop_column("actor_deleted")
