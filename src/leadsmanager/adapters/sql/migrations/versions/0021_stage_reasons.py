"""The reasons a lost or excluded stage offers (kept on its row, with the stage), and the reason a
status change gave (on its history entry).

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"


def upgrade() -> None:
    # Nullable: MySQL gives a JSON column no default; no reasons reads as an empty list.
    op.add_column("stages", sa.Column("reasons", sa.JSON, nullable=True))
    op.add_column("lead_history", sa.Column("reason", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lead_history") as batch:
        batch.drop_column("reason")
    with op.batch_alter_table("stages") as batch:
        batch.drop_column("reasons")
