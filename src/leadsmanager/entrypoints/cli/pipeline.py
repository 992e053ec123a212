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


def _moves(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    moves: dict[str, str] = {}
    for value in values:
        old, sep, new = value.partition("=")
        if not (sep and old.strip() and new.strip()):
            raise click.BadParameter(f"{value!r} is not OLD=NEW (a stage the preset lacks = one of its stages)")
        moves[old.strip()] = new.strip()
    return moves


@pipeline.command("apply")
@click.argument("preset", type=click.Choice(sorted(PRESETS)))
@click.option(
    "--map", "moves", multiple=True, callback=_moves, metavar="OLD=NEW", help="move OLD's leads to NEW; repeatable"
)
@click.pass_context
@reports_errors
def pipeline_apply(ctx: click.Context, preset: str, moves: dict[str, str]) -> None:
    """Make PRESET the pipeline; refused while leads are in stages it lacks, unless --map moves them."""
    applied = container(ctx).apply_preset()(preset, actor=CLI_ACTOR, moves=moves)
    click.echo(f"the pipeline is now {preset}: {', '.join(applied.keys)}")
