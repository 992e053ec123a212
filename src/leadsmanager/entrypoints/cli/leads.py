"""`leadsmanager leads`: find, read, export and enter leads."""

from __future__ import annotations

import csv
from typing import Any

import click
from attrs import evolve

from leadsmanager.application.intake import LeadForm
from leadsmanager.application.queries import LeadQuery
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.period import time_zone
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.cli.context import OPERATOR, F, container, reports_errors
from leadsmanager.entrypoints.cli.progress import Progress
from leadsmanager.entrypoints.formats.lead_csv import COLUMNS, lead_row
from leadsmanager.entrypoints.formats.lead_text import history_lines, lead_line, lead_lines
from leadsmanager.entrypoints.http.lead_filters import lead_query as filtered_leads


@click.group()
def leads() -> None:
    """Find and read leads."""


def lead_filters(command: F) -> F:
    """The filters `leads list` and `leads export` share."""
    options = [
        click.option("--status", "statuses", multiple=True, help="repeat for several"),
        click.option("--assignee", default=None, help="email of the assignee, or 'none'"),
        click.option("--source", type=click.Choice([c.value for c in Channel]), default=None),
        click.option("--site", default=None),
        click.option("--form", "form_id", default=None),
        click.option("--service", default=None),
        click.option("--campaign", default=None),
        click.option("--search", default=""),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def lead_query(built: Container, options: dict[str, Any], *, limit: int) -> LeadQuery:
    """The options as the list page's filters, through the same parser; suspected spam is listed too."""
    assignee = options["assignee"]
    if assignee in ("none", "-"):
        assignee = "none"
    elif assignee:
        assignee = str(built.user_admin().find(assignee, by=OPERATOR).id)
    given = {
        "status": list(options["statuses"]),
        "assignee": assignee,
        "source": options["source"],
        "site": options["site"],
        "form": options["form_id"],
        "service": options["service"],
        "campaign": options["campaign"],
        "q": options["search"],
        "after": options.get("cursor"),
    }
    params = {name: value for name, value in given.items() if value is not None}
    zone = time_zone(built.settings().time_zone)
    return evolve(filtered_leads(params, zone=zone, limit=limit), hide_spam=False)


@leads.command("list")
@lead_filters
@click.option("--limit", default=50, show_default=True)
@click.option("--cursor", default=None, help="from the previous page's last line")
@click.pass_context
@reports_errors
def leads_list(ctx: click.Context, /, **options: Any) -> None:
    """List leads, newest first."""
    built = container(ctx)
    page = built.list_leads()(lead_query(built, options, limit=options["limit"]), by=OPERATOR)
    zone = time_zone(built.settings().time_zone)
    for lead in page.leads:
        click.echo(lead_line(lead, zone))
    if page.next_cursor is not None:
        click.echo(f"more: --cursor {page.next_cursor.encode()}")


@leads.command("export")
@lead_filters
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="[default: stdout]")
@click.option("--progress/--no-progress", "show_progress", default=None, help="[default: on a terminal]")
@click.pass_context
@reports_errors
def leads_export(ctx: click.Context, /, **options: Any) -> None:
    """Every lead the filters match, newest first, as CSV (the columns of the web page's data export)."""
    built = container(ctx)
    batches = built.export_leads()(lead_query(built, options, limit=1000), by=OPERATOR)
    progress = Progress.chosen(options["show_progress"])
    writer = csv.writer(options["output"])
    writer.writerow(COLUMNS)
    exported = 0
    for batch in batches:
        writer.writerows(lead_row(lead) for lead in batch.leads)
        exported += len(batch.leads)
        progress.show(f"{exported} leads exported")
    progress.done()


@leads.command("show")
@click.argument("lead_id", type=int)
@click.pass_context
@reports_errors
def leads_show(ctx: click.Context, lead_id: int) -> None:
    """Every field of one lead, and its history."""
    built = container(ctx)
    view = built.get_lead()(lead_id, by=OPERATOR)
    zone = time_zone(built.settings().time_zone)  # times as the pages show them, labelled
    lines = [*lead_lines(view.lead, view.people, zone), "history:", *history_lines(view.lead, view.people, zone)]
    for line in lines:
        click.echo(line)


@leads.command("add")
@click.option("--name", required=True)
@click.option("--email", default="")
@click.option("--phone", default="")
@click.option("--company", default="")
@click.option("--service", default="")
@click.option("--message", default="")
@click.option("--campaign", default="", help="the campaign the lead came from")
@click.pass_context
@reports_errors
def leads_add(ctx: click.Context, /, **fields: str) -> None:
    """Enter a lead by hand (it is de-duplicated like every other)."""
    form = LeadForm.from_fields(Channel.MANUAL, fields, campaign=fields["campaign"])
    result = container(ctx).submit_lead()(form, by=OPERATOR)
    click.echo(f"lead {result.lead_id} {result.outcome.value}")
