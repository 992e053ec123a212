"""`leadsmanager serve`: the web app under uvicorn, with the background jobs in-process without Redis."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

import click

from leadsmanager.domain import errors
from leadsmanager.entrypoints.bootstrap.checks import insecure_settings
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.bootstrap.jobs import Process
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.cli.context import EXIT_CODES, OPERATOR, container, reports_errors
from leadsmanager.entrypoints.cli.demo import DEMO_ADMIN, demo_admin
from leadsmanager.entrypoints.http.serve_address import BASE_URL, check_port, served_url
from leadsmanager.entrypoints.http.serving import exit_cleanly_on_sigterm, log_config, share_metrics

if TYPE_CHECKING:
    from starlette.applications import Starlette

SERVE_LOG = logging.getLogger("leadsmanager.serve")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, envvar="PORT", help="or $PORT (as Cloud Run sets it)")
@click.option("--workers", default=1, show_default=True, help="web processes (MySQL/MariaDB only)")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="a line per request")
@click.option("--graceful-timeout", default=8, show_default=True, help="seconds to finish requests on SIGTERM")
@click.option("--demo", is_flag=True, help="everything in memory, nothing kept (or LEADSMANAGER_DEMO=1)")
@click.pass_context
@reports_errors
def serve(
    ctx: click.Context, /, *, host: str, port: int, workers: int, access_log: bool, graceful_timeout: int, demo: bool
) -> None:
    """Run the web app: staff pages and the public lead forms."""
    import uvicorn

    from leadsmanager.entrypoints.http.protocol import BoundedHttpToolsProtocol

    settings = container(ctx, migrate=False).settings()
    check_port(host, port)  # before anything is printed or started
    if not settings.base_url_given:
        # Links in emails point where this serves; the app uvicorn builds reads it from the environment.
        os.environ[BASE_URL] = served_url(host, port)
        settings = _rebuilt(ctx)
    if demo and not settings.demo:
        settings = _rebuilt(ctx, settings.for_demo())
    if settings.is_production and (problems := insecure_settings(settings)):
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_CODES[errors.ValidationError])
    built = container(ctx)
    if workers > 1 and settings.is_embedded:
        raise errors.ValidationError("several web processes need MySQL/MariaDB; SQLite serves one")
    if workers > 1 and settings.demo:
        raise errors.ValidationError("the demo keeps everything in the memory of one process: it serves one")
    config = log_config(settings, access_log=access_log)
    if settings.demo:
        SERVE_LOG.warning("Demo: nothing is kept. Sign in as %s with the password %s", DEMO_ADMIN, demo_admin(built))
    elif not built.user_admin().list(by=OPERATOR):
        SERVE_LOG.warning("No users yet: create the first admin with")
        SERVE_LOG.warning("  leadsmanager users create --email you@example.com --name 'Your Name' --role admin")
    SERVE_LOG.info("LeadsManager on http://%s:%s/  (public form: http://%s:%s/forms/contact)", host, port, host, port)
    share_metrics(workers)
    exit_cleanly_on_sigterm()
    jobs = None
    if not built.settings().redis_url:
        from leadsmanager.entrypoints.worker.jobs import InProcessJobs

        jobs = InProcessJobs(built)
        jobs.start()
        SERVE_LOG.info("background jobs run in this process (set LEADSMANAGER_REDIS_URL to run them in workers)")
    try:
        uvicorn.run(
            _web_app(built),
            factory=not settings.demo,
            host=host,
            port=port,
            workers=workers,
            http=BoundedHttpToolsProtocol,
            proxy_headers=False,  # LEADSMANAGER_TRUSTED_PROXIES alone decides whose X-Forwarded-For is believed
            access_log=False,  # the app logs each request itself, without query strings
            log_config=config,
            timeout_graceful_shutdown=graceful_timeout,
        )
    finally:
        if jobs is not None:
            jobs.stop()


def _rebuilt(ctx: click.Context, settings: Settings | None = None) -> Settings:
    """The container `serve` runs on, in place of the one the group built."""
    ctx.obj = build(settings, Process.SERVE)
    ctx.call_on_close(ctx.obj.shutdown_resources)
    settings_now: Settings = ctx.obj.settings()
    return settings_now


def _web_app(built: Container) -> str | Starlette:
    """uvicorn builds the app from the environment; the demo's shares this container's memory."""
    if not built.settings().demo:
        return "leadsmanager.entrypoints.web.app:create_app"
    from leadsmanager.entrypoints.web.app import create_app

    return create_app(built)
