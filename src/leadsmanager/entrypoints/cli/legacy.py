"""`leadsmanager import legacy`: the original Django system's users, leads and their history, read-only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import click

from leadsmanager.adapters.legacy_django import DjangoLegacySource
from leadsmanager.application.legacy import LeadOutcome, LeadPlan, LegacyRun, UserOutcome, UserPlan
from leadsmanager.domain.errors import ValidationError
from leadsmanager.entrypoints.cli.context import container, reports_errors
from leadsmanager.entrypoints.cli.progress import Progress
from leadsmanager.entrypoints.formats.terminal import printable, tab_separated

EXAMPLES = 3  # rows shown for each reason
WOULD = {"created": "to create", "merged": "to merge", "skipped": "to skip"}  # a dry run's outcomes


@click.command("legacy")
@click.option("--from", "url", required=True, metavar="URL", help="the original system's MySQL database")
@click.option("--site", required=True, help="the configured WordPress site its entries came from")
@click.option("--dry-run", is_flag=True, help="say what would be created, merged and skipped; write nothing")
@click.option("--status", "overrides", multiple=True, metavar="OLD=NEW", help="map an estado to another stage")
@click.option("--progress/--no-progress", "show_progress", default=None, help="[default: on a terminal]")
@click.pass_context
@reports_errors
def import_legacy(
    ctx: click.Context, *, url: str, site: str, dry_run: bool, overrides: tuple[str, ...], show_progress: bool | None
) -> None:
    """Users first (with their passwords), then leads with their status history; a re-run changes nothing."""
    built = container(ctx)
    settings = built.settings()
    sites = [s.name for s in settings.wordpress_sites]
    if site not in sites:
        configured = ", ".join(sites) or "none"
        raise ValidationError(f"--site {site!r} is not a configured WordPress site (configured: {configured})")
    source = DjangoLegacySource.from_url(url)
    use_case = built.import_legacy_leads()
    table = use_case.status_table(overrides)
    click.echo("estado -> stage")
    for old, new in table.items():
        click.echo(tab_separated(old, new))
    users = built.import_legacy_users()(source.users(), dry_run=dry_run)
    _summary("users", Counter((p.outcome.value, p.reason) for p in users), _user_examples(users), dry_run)
    if any(p.outcome is UserOutcome.SKIPPED for p in users):
        click.echo("the leads of skipped users come over unassigned, their history changes as a deleted user's")
    progress, done = Progress.chosen(show_progress), [0]

    def step(plans: Sequence[LeadPlan]) -> None:
        done[0] += len(plans)
        progress.show(f"{done[0]:,} leads read")

    ids = {p.legacy_id: p.user_id for p in users if p.user_id is not None}
    run = LegacyRun(site, settings.phone_region, table, ids)
    plans = use_case(source, run, dry_run=dry_run, progress=step)
    progress.done()
    _summary("leads", Counter((p.outcome.value, p.reason) for p in plans), _lead_examples(plans), dry_run)
    if dry_run:
        click.echo("dry run: nothing was written")


def _summary(
    what: str, counts: Counter[tuple[str, str]], examples: dict[tuple[str, str], list[str]], dry_run: bool
) -> None:
    order = [o.value for o in (LeadOutcome.CREATED, LeadOutcome.MERGED, LeadOutcome.SKIPPED, UserOutcome.EXISTING)]
    for (outcome, reason), n in sorted(counts.items(), key=lambda kv: (_rank(order, kv[0][0]), -kv[1])):
        shown = ", ".join(examples.get((outcome, reason), []))
        said = WOULD.get(outcome, outcome) if dry_run else outcome  # a dry run's "created" reads as done
        line = f"{what} {said}: {n:,}" + (f" ({reason})" if reason else "") + (f" e.g. {shown}" if shown else "")
        click.echo(printable(line))


def _rank(order: list[str], outcome: str) -> int:
    return order.index(outcome) if outcome in order else len(order)


def _lead_examples(plans: Sequence[LeadPlan]) -> dict[tuple[str, str], list[str]]:
    examples: dict[tuple[str, str], list[str]] = {}
    for p in plans:
        if p.outcome is not LeadOutcome.CREATED:
            shown = examples.setdefault((p.outcome.value, p.reason), [])
            if len(shown) < EXAMPLES:
                shown.append(f"row {p.row_id} ({p.external_id})")
    return examples


def _user_examples(plans: Sequence[UserPlan]) -> dict[tuple[str, str], list[str]]:
    examples: dict[tuple[str, str], list[str]] = {}
    for p in plans:
        if p.outcome is UserOutcome.SKIPPED:
            shown = examples.setdefault((p.outcome.value, p.reason), [])
            if len(shown) < EXAMPLES:
                shown.append(f"user {p.legacy_id}" + (f" ({p.username!r})" if p.username else ""))
    return examples
