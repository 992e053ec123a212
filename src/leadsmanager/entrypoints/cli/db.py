"""`leadsmanager db`: the database schema and its stored counts."""

from __future__ import annotations

import click

from leadsmanager.domain import errors
from leadsmanager.entrypoints.bootstrap.database import recount_reports, upgrade_schema
from leadsmanager.entrypoints.cli.context import container, reports_errors


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
@reports_errors
def db_upgrade(ctx: click.Context) -> None:
    """Create or migrate the schema to the newest version."""
    built = container(ctx, migrate=False)
    try:
        upgrade_schema(built.engine())
    except Exception as e:  # Alembic and the driver raise many kinds; the operator needs one line
        raise errors.StorageError(f"the migration failed: {e}") from e
    click.echo("database is up to date")


@db.command("recount-reports")
@click.pass_context
@reports_errors
def db_recount_reports(ctx: click.Context) -> None:
    """Count the reports' figures again from the leads (after loading leads by hand, or if they drift)."""
    built = container(ctx)
    recount_reports(built.engine())
    click.echo("report counts rebuilt from the leads")
