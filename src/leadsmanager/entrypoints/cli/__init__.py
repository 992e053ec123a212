"""The `leadsmanager` command: one module per command group, registered here."""

from __future__ import annotations

import click

from leadsmanager.entrypoints.bootstrap.container import build
from leadsmanager.entrypoints.bootstrap.jobs import Process
from leadsmanager.entrypoints.cli import (
    api_keys,
    db,
    imports,
    jobs,
    leads,
    legacy,
    pipeline,
    reports,
    serve,
    sync,
    users,
)
from leadsmanager.entrypoints.cli.context import reports_errors
from leadsmanager.entrypoints.cli.ops import check

# Where the tasks a command queues go without Redis: `serve` works them, `tasks retry` runs them now;
# any other command leaves its events in the outbox for `serve` (see bootstrap/jobs.py).
PROCESSES = {"serve": Process.SERVE, "tasks": Process.RETRY}


@click.group()
@click.version_option(package_name="leadsmanager")
@click.pass_context
@reports_errors
def main(ctx: click.Context) -> None:
    """LeadsManager: every lead in one clean table, with an owner and a status."""
    if ctx.invoked_subcommand == "check":
        return  # it reads the configuration itself, to report what is wrong with it
    ctx.obj = build(process=PROCESSES.get(ctx.invoked_subcommand or "", Process.COMMAND))
    ctx.call_on_close(ctx.obj.shutdown_resources)


for command in (
    check,
    serve.serve,
    db.db,
    users.users,
    api_keys.api_keys,
    pipeline.pipeline,
    leads.leads,
    sync.sync,
    reports.report,
    imports.import_leads,
    *jobs.COMMANDS,
):
    main.add_command(command)
imports.import_leads.add_command(legacy.import_legacy)  # leadsmanager import legacy, beside import csv
