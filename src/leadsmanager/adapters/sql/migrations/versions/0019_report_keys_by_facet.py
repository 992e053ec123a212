"""Report keys by facet: statuses outside the default pipeline are counted in report_keys under each
assignee, and a report reads every assignee's rows of those facets at once.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"


def upgrade() -> None:
    op.create_index("ix_report_keys_facet_span_starts", "report_keys", ["facet", "span", "starts"])


def downgrade() -> None:
    op.drop_index("ix_report_keys_facet_span_starts", table_name="report_keys")
