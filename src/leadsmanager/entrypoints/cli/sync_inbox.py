"""`leadsmanager sync --failed` and `--replay`: the submissions that could not become leads, listed and retried."""

from __future__ import annotations

import click

from leadsmanager.domain import errors
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.cli.failed_lines import REPLAY_HINT, failed_lines, replay_line
from leadsmanager.entrypoints.formats.terminal import printable


def show_failed(built: Container, *, site: str | None, form_id: str | None) -> None:
    waiting = built.failed_submissions().waiting(site=site, form_id=form_id)
    if not waiting:
        click.echo(f"no failed submissions{_of(site, form_id)} wait in the inbox", err=True)
        return
    for line in failed_lines(waiting):
        click.echo(line)
    click.echo(f"{len(waiting)} waiting; {REPLAY_HINT}", err=True)


def replay(built: Container, failed_id: int | None, *, site: str | None, form_id: str | None) -> None:
    """Each replayed submission's line; ValidationError (exit 3) when any is still refused."""
    replays = built.failed_submissions().replay(failed_id, site=site, form_id=form_id)
    if not replays:
        click.echo(f"nothing to replay: no failed submissions{_of(site, form_id)} wait in the inbox", err=True)
        return
    for done in replays:
        click.echo(replay_line(done))
    refused = sum(not r.succeeded for r in replays)
    if refused:
        raise errors.ValidationError(
            f"{refused} of {len(replays)} still refused and kept in the inbox: fix the site's mapping and replay again"
        )


def _of(site: str | None, form_id: str | None) -> str:
    chosen = " and ".join(part for part in (site and f"site {site}", form_id and f"form {form_id}") if part)
    return printable(f" of {chosen}") if chosen else ""
