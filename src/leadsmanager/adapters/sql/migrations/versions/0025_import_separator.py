"""An import keeps its file's separator (file_imports.separator), so the pages write its refused rows in it,
as the CLI does. Files imported before are taken as comma-separated, the separator assumed until now.

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"


def upgrade() -> None:
    op.add_column("file_imports", sa.Column("separator", sa.String(1), nullable=False, server_default=","))


def downgrade() -> None:
    with op.batch_alter_table("file_imports") as batch:
        batch.drop_column("separator")
