"""The database's schema and stored counts, for the operator's commands: the SQL adapter stays behind
the composition root, which alone imports it."""

from __future__ import annotations

from sqlalchemy import Engine

from leadsmanager.adapters.sql.migrate import pending, upgrade
from leadsmanager.adapters.sql.views.report_rebuild import rebuild


def schema_is_behind(engine: Engine) -> bool:
    """True when the database is behind the code's newest migration."""
    return pending(engine)


def upgrade_schema(engine: Engine) -> None:
    upgrade(engine)


def recount_reports(engine: Engine) -> None:
    """Every report row counted again from the leads, in one transaction."""
    with engine.begin() as connection:
        rebuild(connection)
