"""The Alembic migrations build exactly the schema the code describes, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, String, inspect, text
from sqlalchemy.dialects import mysql

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


def _declared_collations() -> dict[tuple[str, str], str]:
    dialect = mysql.dialect()
    found = {}
    for table in metadata.sorted_tables:
        for column in table.columns:
            declared = column.type.dialect_impl(dialect)
            if isinstance(declared, String) and declared.collation:
                found[(table.name, column.name)] = declared.collation
    return found


@pytest.mark.mariadb
def test_mariadb_columns_have_the_collation_the_model_declares(mysql_engine: Engine) -> None:
    """compare_metadata overlooks a collation the database reports as the table's default."""
    query = text(
        "SELECT table_name, column_name, collation_name FROM information_schema.columns"
        " WHERE table_schema = DATABASE() AND collation_name IS NOT NULL"
    )
    with mysql_engine.connect() as connection:
        actual = {(t, c): collation for t, c, collation in connection.execute(query)}
    declared = _declared_collations()
    assert len(declared) > 20
    assert {column: actual.get(column) for column in declared} == declared


def test_upgrading_twice_changes_nothing(sqlite_engine: Engine) -> None:
    upgrade(sqlite_engine)
    assert differences(sqlite_engine) == []
