"""`leadsmanager sync`: new submissions from the WordPress sites' forms, or where each form stands."""

from __future__ import annotations

import sys
from typing import Any

import click

from leadsmanager.application.sync_report import FormReport, PageDone
from leadsmanager.domain import errors
from leadsmanager.entrypoints.cli.context import EXIT_CODES, container, reports_errors
from leadsmanager.entrypoints.cli.discover_lines import discovery_lines
from leadsmanager.entrypoints.cli.progress import Progress
from leadsmanager.entrypoints.cli.sync_lines import cursor_lines, progress_line, report_lines
from leadsmanager.entrypoints.formats.terminal import printable
from leadsmanager.entrypoints.worker.sync_processes import sync_forms as side_by_side


@click.command()
@click.option("--site", default=None, help="only this site")
@click.option("--form", "form_id", default=None, help="only forms with this id")
@click.option("--status", "show_status", is_flag=True, help="show where each form stands instead of syncing")
@click.option("--discover", is_flag=True, help="list the --site's forms and fields, to write its mapping")
@click.option("--progress/--no-progress", "show_progress", default=None, help="[default: on a terminal]")
@click.option("--quiet", is_flag=True, hidden=True, help="the same as --no-progress")
@click.pass_context
@reports_errors
def sync(ctx: click.Context, /, **options: Any) -> None:
    """Import new submissions from the WordPress sites' forms (LEADSMANAGER_WORDPRESS_*)."""
    sync_forms = container(ctx).sync_forms()
    site, form_id = options["site"], options["form_id"]
    if options["discover"]:
        if site is None:
            raise click.UsageError("--discover needs --site")
        for line in discovery_lines(container(ctx).discover_forms()(site)):
            click.echo(line)
        return
    if options["show_status"]:
        for line in cursor_lines(sync_forms.status(site=site, form_id=form_id)):
            click.echo(printable(line))
        return
    # On stderr: stdout keeps one line per form, for scripts.
    progress = Progress.chosen(False if options["quiet"] else options["show_progress"])

    def on_page(page: PageDone) -> None:
        progress.show(progress_line(page))

    def on_form(form: FormReport) -> None:  # forms synced side by side, in processes of their own
        progress.show(progress_line(PageDone(form.site, form.form_id, form.fetched, form.cursor_after)))

    report = side_by_side(
        sync_forms,
        container(ctx).settings(),
        site=site,
        form_id=form_id,
        on_page=on_page if progress.enabled else None,
        on_form=on_form if progress.enabled else None,
    )
    progress.done()
    for line in report_lines(report):
        click.echo(printable(line))
    if report.failures:
        sys.exit(EXIT_CODES[errors.ExternalServiceError])
