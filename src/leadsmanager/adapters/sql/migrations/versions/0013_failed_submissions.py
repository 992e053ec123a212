"""The failed-submissions inbox: form submissions that could not become leads, kept whole.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, BigText, Id, UtcDateTime, exact_string

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    op.create_table(
        "failed_submissions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("site", exact_string(40), nullable=False),
        sa.Column("form_id", exact_string(100), nullable=False),
        sa.Column("submission_id", exact_string(40), nullable=True),
        sa.Column("received_by", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.Column("submitted_at", UtcDateTime, nullable=True),
        sa.Column("fields", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("body", BigText, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("tried_at", UtcDateTime, nullable=False),
        sa.Column("lead_id", Id, nullable=True),
        sa.Column("replayed_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_failed_submissions"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_failed_submissions_lead_id_leads"),
        sa.UniqueConstraint(
            "site", "form_id", "submission_id", name="uq_failed_submissions_site_form_id_submission_id"
        ),
        **MYSQL_OPTIONS,
    )
    op.create_index("ix_failed_submissions_replayed_at_id", "failed_submissions", ["replayed_at", "id"])


def downgrade() -> None:
    op.drop_table("failed_submissions")
