"""Each lead keeps the kind of its status's stage (open, won, lost, spam, excluded) beside its key, so that
open-lead queries, reminders and de-duplication follow the configured pipeline; filled from the stages
table, a key it lacks counting as open (as the application reads it).

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"


def upgrade() -> None:
    # A server default, kept: adding the column then costs no rewrite of the table (SQLite, MariaDB).
    op.add_column("leads", sa.Column("status_kind", sa.String(16), nullable=False, server_default="open"))
    leads = sa.table("leads", sa.column("status", sa.String), sa.column("status_kind", sa.String))
    stages = sa.table("stages", sa.column("key", sa.String), sa.column("kind", sa.String))
    for key, kind in op.get_bind().execute(sa.select(stages.c.key, stages.c.kind)).all():
        if kind != "open":
            op.execute(leads.update().where(leads.c.status == key).values(status_kind=kind))


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("status_kind")
