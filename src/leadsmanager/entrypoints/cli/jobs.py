"""Operator commands for the background jobs: worker, scheduler, failed tasks, the consistency check."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable

import click

from leadsmanager.application.consistency import ConsistencyReport
from leadsmanager.domain import errors
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.cli.context import container, reports_errors
from leadsmanager.entrypoints.formats.terminal import tab_separated
from leadsmanager.entrypoints.observability.hooks import serve_metrics
from leadsmanager.entrypoints.observability.logs import configure_logging
from leadsmanager.entrypoints.worker.jobs import Scheduler, periodic_jobs, start_worker

log = logging.getLogger("leadsmanager.jobs")
NEEDS_REDIS = "needs LEADSMANAGER_REDIS_URL; without Redis, `leadsmanager serve` runs the background jobs itself"


def _until_signalled() -> threading.Event:
    """Set on SIGTERM (a container stopping) or SIGINT (Ctrl-C)."""
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    return stop


def _redis_container(ctx: click.Context, command: str) -> Container:
    built = container(ctx)
    if not built.settings().redis_url:
        raise errors.ValidationError(f"`leadsmanager {command}` {NEEDS_REDIS}")
    return built


def _observed(built: Container, metrics_port: int | None) -> Callable[[], None]:
    """JSON (or terminal) logs, and /metrics on loopback when a port is given; returns how to stop it."""
    configure_logging(built.settings().log_format)
    return serve_metrics(metrics_port) if metrics_port else (lambda: None)


METRICS_PORT = click.option("--metrics-port", type=int, default=None, help="serve /metrics on 127.0.0.1:PORT")


@click.command()
@click.option("--threads", default=4, show_default=True, help="tasks run at once in this process")
@click.option("--shutdown-timeout", default=30, show_default=True, help="seconds to let running tasks finish")
@METRICS_PORT
@click.pass_context
@reports_errors
def worker(ctx: click.Context, threads: int, shutdown_timeout: int, metrics_port: int | None) -> None:
    """Run background tasks from Redis until stopped (SIGTERM finishes running tasks first)."""
    built = _redis_container(ctx, "worker")
    stop = _until_signalled()
    stop_metrics = _observed(built, metrics_port)
    running = start_worker(built, threads=threads)
    log.info("worker started with %s threads", threads)
    stop.wait()
    log.info("worker stopping: finishing running tasks")
    running.stop(timeout=shutdown_timeout * 1000)
    stop_metrics()


@click.command()
@METRICS_PORT
@click.pass_context
@reports_errors
def scheduler(ctx: click.Context, metrics_port: int | None) -> None:
    """Publish new lead events and queue the periodic jobs (run one scheduler per deployment)."""
    built = _redis_container(ctx, "scheduler")
    stop = _until_signalled()
    stop_metrics = _observed(built, metrics_port)
    jobs = periodic_jobs(built, built.task_queue())
    log.info("scheduler started: %s", ", ".join(f"{j.name} every {j.every:g} s" for j in jobs))
    Scheduler(jobs).run(stop)
    stop_metrics()


@click.group()
def tasks() -> None:
    """Tasks that ran out of retries."""


@tasks.command("failed")
@click.pass_context
@reports_errors
def tasks_failed(ctx: click.Context) -> None:
    """List the failed tasks waiting for a retry."""
    waiting = container(ctx).failed_tasks().waiting()
    for task in waiting:
        args = " ".join(f"{k}={v}" for k, v in sorted(task.args.items()))
        failed_at = f"{task.failed_at:%Y-%m-%d %H:%M:%S}Z"
        click.echo(tab_separated(str(task.id), failed_at, f"{task.task} {args}", task.error))
    if not waiting:
        click.echo("no failed tasks", err=True)


@tasks.command("retry")
@click.argument("task_id", type=int, required=False)
@click.option("--all", "retry_all", is_flag=True, help="every failed task")
@click.pass_context
@reports_errors
def tasks_retry(ctx: click.Context, task_id: int | None, retry_all: bool) -> None:
    """Queue a failed task again (on the embedded default: run it now)."""
    if (task_id is None) == (not retry_all):
        raise errors.ValidationError("give one failed task's id, or --all")
    retried = container(ctx).failed_tasks().retry(task_id)
    click.echo(f"{len(retried)} task(s) queued again")


@click.command()
@click.option("--fix", is_flag=True, help="fix what can be fixed (recorded in each lead's history)")
@click.pass_context
@reports_errors
def consistency(ctx: click.Context, fix: bool) -> None:
    """Check the data: leads of deactivated users, history gaps, unknown statuses."""

    def progress(scanned: int) -> None:
        if sys.stderr.isatty():
            click.echo(f"\rchecked {scanned:,} leads", err=True, nl=False)

    report = container(ctx).check_consistency()(fix=fix, progress=progress)
    _print_report(report, fix=fix)
    if report.unfixed:
        sys.exit(1)


def _print_report(report: ConsistencyReport, *, fix: bool) -> None:
    if sys.stderr.isatty():
        click.echo("", err=True)
    for f in report.findings:
        click.echo(tab_separated(f"lead {f.lead_id}", f.kind, f.detail))
    fixed = len(report.findings) - report.unfixed
    summary = f"{report.leads_scanned:,} leads checked, {len(report.findings)} problem(s)"
    click.echo(summary + (f", {fixed} fixed" if fix else ""), err=True)
    if report.unfixed and not fix:
        click.echo("run `leadsmanager consistency --fix` to fix them", err=True)


COMMANDS = (worker, scheduler, tasks, consistency)
