"""An entry of the stage editor's audit log keeps what its English `detail` was written from
(stage_changes.params: keys, kinds, labels, counts), so a page says it in its reader's language.
Entries logged before have none: their stored words are what they show.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"


def upgrade() -> None:
    op.add_column("stage_changes", sa.Column("params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stage_changes") as batch:
        batch.drop_column("params")
