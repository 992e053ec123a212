"""The Alembic migrations build exactly the schema the code describes, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from leadsmanager.adapters.sql.migrate import pending, upgrade
from leadsmanager.adapters.sql.tables import metadata


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_sqlite_schema_matches_the_model(sqlite_engine: Engine) -> None:
    assert differences(sqlite_engine) == []
    assert not pending(sqlite_engine)


@pytest.mark.mariadb
def test_mariadb_schema_matches_the_model(mysql_engine: Engine) -> None:
    assert differences(mysql_engine) == []
    indexes = {ix["name"] for ix in inspect(mysql_engine).get_indexes("leads")}
    assert {"ix_leads_status_created_at_id", "ix_leads_assignee_id_status_created_at_id"} <= indexes


def test_upgrading_twice_changes_nothing(sqlite_engine: Engine) -> None:
    upgrade(sqlite_engine)
    assert differences(sqlite_engine) == []
