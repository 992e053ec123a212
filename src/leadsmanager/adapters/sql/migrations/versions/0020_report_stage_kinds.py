"""Reports judge a lead open or spam by its stage's kind, not by the default pipeline's keys: the pending
report rows keep the kind beside the status (filled from the stages table, a key it lacks counting as
open), and the counts are made again from the leads, so that leads in closed stages of another
pipeline stop counting as waiting for a first answer.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.views.report_rebuild import rebuild

revision = "0020"
down_revision = "0019"


def upgrade() -> None:
    op.add_column("report_pending", sa.Column("status_kind", sa.String(16), nullable=False, server_default="open"))
    rebuild(op.get_bind())  # folds the pending rows into counts made again from the leads


def downgrade() -> None:
    rebuild(op.get_bind())
    with op.batch_alter_table("report_pending") as batch:
        batch.drop_column("status_kind")
