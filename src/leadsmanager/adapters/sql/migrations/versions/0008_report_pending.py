"""Report count changes are inserted as pending rows and folded into the counts by a periodic job.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.report_rebuild import rebuild
from leadsmanager.adapters.sql.tables import MYSQL_OPTIONS, Id, exact_string

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "report_pending",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("who", sa.BigInteger, nullable=False),
        sa.Column("span", sa.String(1), nullable=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("counter", sa.String(40), nullable=False),
        sa.Column("facet", sa.String(16), nullable=False),
        sa.Column("first_key", exact_string(200), nullable=False),
        sa.Column("second_key", exact_string(100), nullable=False),
        sa.Column("leads", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_report_pending"),
        **MYSQL_OPTIONS,
    )


def downgrade() -> None:
    # Count again from the leads, which also takes in the changes not folded yet; then drop them.
    rebuild(op.get_bind())
    op.drop_table("report_pending")
