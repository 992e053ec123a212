"""The external ids of submissions that joined an open lead, so that a re-delivery is a duplicate.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, Id, exact_string

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.create_table(
        "joined_external_ids",
        sa.Column("source", exact_string(16), nullable=False),
        sa.Column("external_id", exact_string(191), nullable=False),
        sa.Column("lead_id", Id, nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_joined_external_ids_lead_id_leads"),
        sa.PrimaryKeyConstraint("source", "external_id", name="pk_joined_external_ids"),
        **MYSQL_OPTIONS,
    )
    op.create_index("ix_joined_external_ids_lead_id", "joined_external_ids", ["lead_id"])


def downgrade() -> None:
    op.drop_table("joined_external_ids")
