"""Each lead may name the campaign it came from (leads.campaign, filterable and reported). The legacy import
kept a lead's `formsapp_campaign` in its extras under "campaign": that value moves into the column, so
that leads imported before this revision are filtered and reported like those imported after it (a second
run of the import skips them as already imported). A value the column cannot hold stays an extra.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from leadsmanager.adapters.sql.column_types import exact_string

revision = "0022"
down_revision = "0021"

LIMIT = 200  # TEXT_LIMITS["campaign"] at this revision
BATCH = 1000
KEY = "campaign"

# Frozen copies of the columns this migration reads and writes, as they stand at this revision.
leads = sa.table("leads", sa.column("id", sa.Integer), sa.column("extras", sa.JSON), sa.column("campaign", sa.String))


def upgrade() -> None:
    # Nullable and without a default: adding it rewrites no rows (MariaDB adds it in place).
    op.add_column("leads", sa.Column("campaign", exact_string(200), nullable=True))
    op.create_index("ix_leads_campaign_created_at_id", "leads", ["campaign", "created_at", "id"])
    op.create_index("ix_leads_created_at_campaign_status_kind", "leads", ["created_at", "campaign", "status_kind"])
    _move_campaigns(op.get_bind())


def _move_campaigns(bind: sa.Connection) -> None:
    """Leads whose extras hold "campaign", a batch at a time in id order: the text filter finds the
    candidates in one pass (a JSON path differs between SQLite and MariaDB), the JSON decides."""
    last = 0
    candidates = (
        sa.select(leads.c.id, leads.c.extras)
        .where(leads.c.id > sa.bindparam("last"), sa.cast(leads.c.extras, sa.Text).like(f'%"{KEY}"%'))
        .order_by(leads.c.id)
        .limit(BATCH)
    )
    move = (
        leads.update()
        .where(leads.c.id == sa.bindparam("lead_id"))
        .values(campaign=sa.bindparam("name"), extras=sa.bindparam("rest", type_=sa.JSON))
    )
    while rows := bind.execute(candidates, {"last": last}).all():
        moved = [found for lead_id, extras in rows if (found := _moved(lead_id, extras)) is not None]
        if moved:
            bind.execute(move, moved)
        last = rows[-1][0]


def _moved(lead_id: int, extras: Any) -> dict[str, Any] | None:
    if not isinstance(extras, dict) or not isinstance(extras.get(KEY), str):
        return None
    name = " ".join(extras[KEY].split())
    if not name or len(name) > LIMIT:
        return None
    return {"lead_id": lead_id, "name": name, "rest": {k: v for k, v in extras.items() if k != KEY}}


def downgrade() -> None:
    op.drop_index("ix_leads_created_at_campaign_status_kind", table_name="leads")
    op.drop_index("ix_leads_campaign_created_at_id", table_name="leads")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("campaign")
