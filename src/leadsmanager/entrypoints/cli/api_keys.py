"""`leadsmanager api-keys`: keys for external systems calling the API."""

from __future__ import annotations

import click

from leadsmanager.application.api_keys import parse_scopes
from leadsmanager.entrypoints.cli.context import OPERATOR, container, reports_errors
from leadsmanager.entrypoints.formats.terminal import printable, tab_separated


@click.group("api-keys")
def api_keys() -> None:
    """Keys for external systems calling the API."""


@api_keys.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True, help="leads:read and/or leads:write")
@click.pass_context
@reports_errors
def api_keys_create(ctx: click.Context, name: str, scopes: tuple[str, ...]) -> None:
    """Create a key; it is printed once and stored only as a hash."""
    key, secret = container(ctx).api_keys().create(name, parse_scopes(list(scopes)), by=OPERATOR)
    click.echo(f"created API key {key.id} {key.prefix} for {printable(key.name)}; keep it now, it is not shown again:")
    click.echo(secret)


@api_keys.command("list")
@click.pass_context
@reports_errors
def api_keys_list(ctx: click.Context) -> None:
    """Every key, without its secret."""
    for key in container(ctx).api_keys().list(by=OPERATOR):
        state = "active" if key.active else f"revoked {key.revoked_at:%Y-%m-%d}"
        scopes = ",".join(sorted(s.value for s in key.scopes))
        click.echo(tab_separated(str(key.id), key.prefix, key.name, scopes, state))


@api_keys.command("revoke")
@click.argument("key_id", type=int)
@click.pass_context
@reports_errors
def api_keys_revoke(ctx: click.Context, key_id: int) -> None:
    """Stop a key from working, at once."""
    key = container(ctx).api_keys().revoke(key_id, by=OPERATOR)
    click.echo(f"API key {key.id} ({printable(key.name)}) is revoked")
