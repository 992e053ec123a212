"""Stages are data: the stages table, seeded with the default preset (the keys leads already hold, so no
lead changes), and the audit log of stage changes.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, Id, UtcDateTime, exact_string

revision = "0015"
down_revision = "0014"

# The default preset as it stood when this migration was written: a migration does not follow later code.
_DEFAULT = (
    ("new", "nuevo", "open"),
    ("contacted", "contactado", "open"),
    ("qualified", "calificado", "open"),
    ("proposal", "propuesta", "open"),
    ("won", "ganado", "won"),
    ("lost", "perdido", "lost"),
    ("spam", "spam", "spam"),
)


def upgrade() -> None:
    stages = op.create_table(
        "stages",
        sa.Column("key", exact_string(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("labels", sa.JSON, nullable=False),
        sa.Column("retired", sa.Boolean, nullable=False),
        sa.Column("requires_reason", sa.Boolean, nullable=False),
        sa.Column("is_start", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_stages"),
        **MYSQL_OPTIONS,
    )
    op.create_table(
        "stage_changes",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stage_changes"),
        **MYSQL_OPTIONS,
    )
    op.bulk_insert(
        stages,
        [
            {
                "key": key,
                "position": n,
                "kind": kind,
                "labels": {"en": key, "es": es},
                "retired": False,
                "requires_reason": False,
                "is_start": key == "new",
            }
            for n, (key, es, kind) in enumerate(_DEFAULT, 1)
        ],
    )


def downgrade() -> None:
    op.drop_table("stage_changes")
    op.drop_table("stages")
