"""Users, leads, their history and search terms.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import MYSQL_OPTIONS, Id, Term, UtcDateTime

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("session_version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
        **MYSQL_OPTIONS,
    )
    op.create_table(
        "leads",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("contact_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("service", sa.String(120), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("form_id", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(191), nullable=True),
        sa.Column("extras", sa.JSON, nullable=False),
        sa.Column("utm", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee_id", Id, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("open_email", sa.String(254), nullable=True),
        sa.Column("open_phone", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_leads"),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name="fk_leads_assignee_id_users"),
        sa.UniqueConstraint("open_email", name="uq_leads_open_email"),
        sa.UniqueConstraint("open_phone", name="uq_leads_open_phone"),
        sa.UniqueConstraint("source", "external_id", name="uq_leads_source_external_id"),
        **MYSQL_OPTIONS,
    )
    for columns in (
        ("created_at", "id"),
        ("status", "created_at", "id"),
        ("assignee_id", "status", "created_at", "id"),
        ("assignee_id", "created_at", "id"),
        ("source", "created_at", "id"),
        ("site", "form_id", "created_at", "id"),
        ("service", "created_at", "id"),
    ):
        op.create_index("ix_leads_" + "_".join(columns), "leads", list(columns))
    op.create_table(
        "lead_history",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("lead_id", Id, nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old", sa.Text, nullable=True),
        sa.Column("new", sa.Text, nullable=True),
        sa.Column("actor_id", Id, nullable=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lead_history"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_lead_history_lead_id_leads"),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name="fk_lead_history_actor_id_users"),
        **MYSQL_OPTIONS,
    )
    op.create_index("ix_lead_history_lead_id", "lead_history", ["lead_id"])
    op.create_table(
        "lead_search",
        sa.Column("term", Term, nullable=False),
        sa.Column("lead_id", Id, nullable=False),
        sa.PrimaryKeyConstraint("term", "lead_id", name="pk_lead_search"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_lead_search_lead_id_leads"),
        **MYSQL_OPTIONS,
    )
    op.create_index("ix_lead_search_lead_id", "lead_search", ["lead_id"])


def downgrade() -> None:
    for table in ("lead_search", "lead_history", "leads", "users"):
        op.drop_table(table)
