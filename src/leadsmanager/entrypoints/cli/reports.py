"""`leadsmanager report`: the reports page's tables over a period, as text or one table as CSV."""

from __future__ import annotations

from typing import Any

import click

from leadsmanager.entrypoints.cli.context import OPERATOR, container, reports_errors
from leadsmanager.entrypoints.formats.report_tables import TABLE_NAMES, as_csv, as_lines, report_tables, table_named
from leadsmanager.entrypoints.http.report_params import report_query


@click.command()
@click.option("--from", "first", default=None, help="first day, like 2026-03-01 (default: 30 days ago)")
@click.option("--to", "last", default=None, help="last day, included (default: today)")
@click.option("--tz", default="", help="time zone whose midnights start the days (default LEADSMANAGER_TIME_ZONE)")
@click.option("--assignee", default=None, help="only this rep's leads (their email)")
@click.option("--csv", "table", type=click.Choice(TABLE_NAMES), default=None, help="print one table as CSV")
@click.pass_context
@reports_errors
def report(ctx: click.Context, /, **options: Any) -> None:
    """Funnel, sources, sites, services and the team's first-response times over a period."""
    built = container(ctx)
    given = {"from": options["first"], "to": options["last"], "tz": options["tz"]}
    if options["assignee"]:
        given["assignee"] = str(built.user_admin().find(options["assignee"], by=OPERATOR).id)
    params = {k: v for k, v in given.items() if v is not None}
    zone, now = built.settings().time_zone, built.clock().now()
    query = report_query(params, zone=zone, now=now, recent_by_default=True)
    figures = built.reports()(query, by=OPERATOR)
    if options["table"]:
        chosen = table_named(figures, options["table"])
        assert chosen is not None  # click offered only known names
        click.echo(as_csv(chosen), nl=False)
        return
    period = figures.period
    click.echo(f"{period.first or 'the first lead'} to {period.last or 'now'} ({period.zone.key})")
    for table in report_tables(figures):
        click.echo("")
        for line in as_lines(table):
            click.echo(line)
