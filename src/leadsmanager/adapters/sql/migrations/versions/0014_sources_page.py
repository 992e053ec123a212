"""The Sources page: each form's cursor says when a run last read it to its end, when its error happened and
when its newest stored submission was sent; leads are counted per synced form from an index of their own.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import UtcDateTime

revision = "0014"
down_revision = "0013"

_CURSOR_TIMES = ("succeeded_at", "failed_at", "newest_entry_at")
_INDEX = ("source", "site", "form_id", "created_at")


def upgrade() -> None:
    for name in _CURSOR_TIMES:
        op.add_column("sync_cursors", sa.Column(name, UtcDateTime, nullable=True))
    # The page counts a form's leads of the last 24 hours and 30 days inside this index alone.
    op.create_index("ix_leads_" + "_".join(_INDEX), "leads", list(_INDEX))


def downgrade() -> None:
    op.drop_index("ix_leads_" + "_".join(_INDEX), "leads")
    for name in reversed(_CURSOR_TIMES):
        op.drop_column("sync_cursors", name)
