"""`leadsmanager sync`: new submissions from the WordPress sites' forms, where each form stands, or the
failed-submissions inbox (those that could not become leads) listed and replayed."""

from __future__ import annotations

import sys
from typing import Any

import click

from leadsmanager.application.sync_report import FormReport, PageDone
from leadsmanager.domain import errors
from leadsmanager.entrypoints.cli.context import EXIT_CODES, container, reports_errors
from leadsmanager.entrypoints.cli.discover_lines import discovery_lines
from leadsmanager.entrypoints.cli.failed_lines import REPLAY_HINT
from leadsmanager.entrypoints.cli.progress import Progress
from leadsmanager.entrypoints.cli.sync_inbox import replay, show_failed
from leadsmanager.entrypoints.cli.sync_lines import cursor_lines, progress_line, report_lines
from leadsmanager.entrypoints.formats.terminal import printable
from leadsmanager.entrypoints.worker.sync_processes import sync_forms as side_by_side


@click.command()
@click.option("--site", default=None, help="only this site")
@click.option("--form", "form_id", default=None, help="only forms with this id")
@click.option("--status", "show_status", is_flag=True, help="show where each form stands instead of syncing")
@click.option("--discover", is_flag=True, help="list the --site's forms and fields, to write its mapping")
@click.option("--failed", "show_failed", is_flag=True, help="list the submissions that could not become leads")
@click.option(
    "--replay", "replay_id", type=int, metavar="ID", help="retry failed submission ID through today's mapping"
)
@click.option("--replay-all", is_flag=True, help="retry every failed submission (of --site, --form) the same way")
@click.option("--progress/--no-progress", "show_progress", default=None, help="[default: on a terminal]")
@click.option("--quiet", is_flag=True, hidden=True, help="the same as --no-progress")
@click.pass_context
@reports_errors
def sync(ctx: click.Context, /, **options: Any) -> None:
    """Import new submissions from the WordPress sites' forms (LEADSMANAGER_WORDPRESS_*).

    A submission that cannot become a lead (no email and no phone...) waits in the failed-submissions
    inbox: --failed lists it, --replay ID or --replay-all retries it once the mapping is fixed (exit 3
    while any is still refused, 4 for an unknown ID)."""
    site, form_id = options["site"], options["form_id"]
    if _inbox_command(ctx, options):
        return
    sync_forms = container(ctx).sync_forms()
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
    if kept := sum(len(form.rejected) for form in report.forms):
        click.echo(
            f"{kept} kept in the failed-submissions inbox (`leadsmanager sync --failed`); {REPLAY_HINT}", err=True
        )
    if report.failures:
        sys.exit(EXIT_CODES[errors.ExternalServiceError])


def _inbox_command(ctx: click.Context, options: dict[str, Any]) -> bool:
    """Run --failed, --replay or --replay-all if one was asked for; each excludes the others and a sync."""
    chosen = ("discover", "show_status", "show_failed", "replay_all")
    if sum(bool(options[name]) for name in chosen) + (options["replay_id"] is not None) > 1:
        raise click.UsageError("choose one of --status, --discover, --failed, --replay ID, --replay-all")
    site, form_id = options["site"], options["form_id"]
    if options["replay_id"] is not None:
        if site is not None or form_id is not None:
            raise click.UsageError("--replay ID names one submission: --site and --form go with --replay-all")
        replay(container(ctx), options["replay_id"], site=None, form_id=None)
    elif options["replay_all"]:
        replay(container(ctx), None, site=site, form_id=form_id)
    elif options["show_failed"]:
        show_failed(container(ctx), site=site, form_id=form_id)
    else:
        return False
    return True
