"""Operations commands: `leadsmanager check`."""

from __future__ import annotations

import sys

import click

from leadsmanager.adapters.probes import Probe
from leadsmanager.entrypoints.bootstrap.checks import run_checks
from leadsmanager.entrypoints.bootstrap.settings import environment
from leadsmanager.entrypoints.observability.logs import masked

CHECK_FAILED = 1


def check_line(probe: Probe) -> str:
    return f"{'ok' if probe.ok else 'FAIL':<4}  {probe.name:<18} {masked(probe.detail)}"


@click.command()
def check() -> None:
    """Check the configuration and reach every service: database, Redis, WordPress sites, Perfit, Slack.

    One line per item; exits 1 if any failed. In production (LEADSMANAGER_ENV=production) an insecure
    setting is a failure, as `serve` would refuse to start with it.
    """
    lines = run_checks(environment())
    for probe in lines:
        click.echo(check_line(probe))
    if not all(probe.ok for probe in lines):
        sys.exit(CHECK_FAILED)
