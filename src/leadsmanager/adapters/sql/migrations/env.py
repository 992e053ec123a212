"""Alembic environment: runs on the connection handed in by `leadsmanager db upgrade`."""

from __future__ import annotations

from alembic import context

from leadsmanager.adapters.sql.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
