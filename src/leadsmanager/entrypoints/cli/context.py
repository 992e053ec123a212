"""What every command shares: the container, the operator acting, errors as one line and an exit code."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from leadsmanager.domain import errors
from leadsmanager.domain.actor import Actor
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.bootstrap.database import schema_is_behind, upgrade_schema
from leadsmanager.entrypoints.formats.terminal import printable

OPERATOR = Actor.system()
EXIT_CODES: dict[type[errors.LeadsManagerError], int] = {
    errors.ValidationError: 3,
    errors.NotFound: 4,
    errors.PermissionDenied: 5,
    errors.AuthenticationFailed: 5,
    errors.Conflict: 6,
    errors.InvalidStatusTransition: 6,
    errors.StorageError: 7,
    errors.ExternalServiceError: 8,
}
F = TypeVar("F", bound=Callable[..., Any])


def exit_code(error: errors.LeadsManagerError) -> int:
    return next((code for cls, code in EXIT_CODES.items() if isinstance(error, cls)), 1)


def reports_errors(command: F) -> F:
    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except errors.LeadsManagerError as e:
            click.echo(f"error: {printable(str(e))}", err=True)
            sys.exit(exit_code(e))

    return run  # type: ignore[return-value]


def container(ctx: click.Context, *, migrate: bool = True) -> Container:
    """The container, with the schema brought up to date on the embedded default."""
    built: Container = ctx.obj
    if migrate and not built.settings().demo:
        engine = built.engine()
        if schema_is_behind(engine):
            if not built.settings().is_embedded:
                raise errors.StorageError("the database schema is out of date; run `leadsmanager db upgrade`")
            upgrade_schema(engine)
    return built
