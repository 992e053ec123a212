"""`leadsmanager pipeline`: the stages leads move through, and the presets that set them."""

from __future__ import annotations

import click

from leadsmanager.domain.pipeline import CLI_ACTOR, PRESETS
from leadsmanager.entrypoints.cli.context import container, reports_errors
from leadsmanager.entrypoints.formats.terminal import tab_separated


@click.group("pipeline")
def pipeline() -> None:
    """The stages leads move through."""


@pipeline.command("list")
@click.pass_context
@reports_errors
def pipeline_list(ctx: click.Context) -> None:
    """Each stage in order: key, kind, English and Spanish labels; then the log of changes."""
    built = container(ctx)
    stages = built.stages()()
    for stage in stages.stages:
        marks = ",".join(m for m, on in (("start", stage.key == stages.start), ("retired", stage.retired)) if on)
        click.echo(tab_separated(stage.key, stage.kind.value, stage.label("en"), stage.label("es"), marks))
    for change in built.stage_log()():
        click.echo(f"# {change.at:%Y-%m-%d %H:%M} UTC {change.actor}: {change.detail}")


@pipeline.command("apply")
@click.argument("preset", type=click.Choice(sorted(PRESETS)))
@click.pass_context
@reports_errors
def pipeline_apply(ctx: click.Context, preset: str) -> None:
    """Make PRESET the pipeline; refused while leads are in stages it lacks."""
    applied = container(ctx).apply_preset()(preset, actor=CLI_ACTOR)
    click.echo(f"the pipeline is now {preset}: {', '.join(applied.keys)}")
