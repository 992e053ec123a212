"""Operator commands. Each parses input, calls one use case and prints; errors are one line."""

from __future__ import annotations

import csv
import functools
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click
from attrs import evolve

from leadsmanager.application.api_keys import parse_scopes
from leadsmanager.application.intake import LeadForm
from leadsmanager.application.queries import LeadQuery
from leadsmanager.application.sync_report import FormReport, PageDone
from leadsmanager.application.users import MIN_PASSWORD_LENGTH, NewUser, check_password
from leadsmanager.domain import errors
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.roles import parse_role
from leadsmanager.entrypoints.bootstrap.checks import insecure_settings
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.bootstrap.database import recount_reports, schema_is_behind, upgrade_schema
from leadsmanager.entrypoints.bootstrap.jobs import Process
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.cli.demo import DEMO_ADMIN, demo_admin
from leadsmanager.entrypoints.cli.ops import check
from leadsmanager.entrypoints.cli.progress import Progress
from leadsmanager.entrypoints.cli.sync_lines import cursor_lines, progress_line, report_lines
from leadsmanager.entrypoints.formats.lead_csv import COLUMNS, lead_row
from leadsmanager.entrypoints.formats.lead_text import history_lines, lead_line, lead_lines
from leadsmanager.entrypoints.formats.report_tables import TABLE_NAMES, as_csv, as_lines, report_tables, table_named
from leadsmanager.entrypoints.formats.terminal import printable, tab_separated
from leadsmanager.entrypoints.http.lead_filters import lead_query as filtered_leads
from leadsmanager.entrypoints.http.report_params import report_query
from leadsmanager.entrypoints.http.serve_address import BASE_URL, check_port, served_url
from leadsmanager.entrypoints.http.serving import exit_cleanly_on_sigterm, log_config, share_metrics
from leadsmanager.entrypoints.worker.sync_processes import sync_forms as side_by_side

if TYPE_CHECKING:
    from starlette.applications import Starlette

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
OPERATOR = Actor.system()
# Where the tasks a command queues go without Redis: `serve` works them, `tasks retry` runs them now;
# any other command leaves its events in the outbox for `serve` (see bootstrap/jobs.py).
PROCESSES = {"serve": Process.SERVE, "tasks": Process.RETRY}
SERVE_LOG = logging.getLogger("leadsmanager.serve")
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


@click.group()
@click.version_option(package_name="leadsmanager")
@click.pass_context
@reports_errors
def main(ctx: click.Context) -> None:
    """LeadsManager: every lead in one clean table, with an owner and a status."""
    if ctx.invoked_subcommand == "check":
        return  # it reads the configuration itself, to report what is wrong with it
    ctx.obj = build(process=PROCESSES.get(ctx.invoked_subcommand or "", Process.COMMAND))
    ctx.call_on_close(ctx.obj.shutdown_resources)


main.add_command(check)


@main.command()
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


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
@reports_errors
def db_upgrade(ctx: click.Context) -> None:
    """Create or migrate the schema to the newest version."""
    built = container(ctx, migrate=False)
    try:
        upgrade_schema(built.engine())
    except Exception as e:  # Alembic and the driver raise many kinds; the operator needs one line
        raise errors.StorageError(f"the migration failed: {e}") from e
    click.echo("database is up to date")


@db.command("recount-reports")
@click.pass_context
@reports_errors
def db_recount_reports(ctx: click.Context) -> None:
    """Count the reports' figures again from the leads (after loading leads by hand, or if they drift)."""
    built = container(ctx)
    recount_reports(built.engine())
    click.echo("report counts rebuilt from the leads")


@main.group()
def users() -> None:
    """Staff accounts and roles."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    # The rule is in the prompt, and checked before the password is asked for a second time.
    prompt = f"Password (at least {MIN_PASSWORD_LENGTH} characters)"
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True, value_proc=_acceptable_password))


def _acceptable_password(password: str) -> str:
    try:
        check_password(password)
    except errors.ValidationError as e:
        raise click.UsageError(str(e)) from None
    return password


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", required=True, help="admin, manager or employee")
@click.option("--phone", default="")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@click.pass_context
@reports_errors
def users_create(ctx: click.Context, /, **options: Any) -> None:
    """Create a user (the password is asked for, never passed on the command line)."""
    role = parse_role(options["role"])
    password = _read_password(options["password_stdin"])
    new = NewUser(options["email"], options["full_name"], role, password, options["phone"])
    user = container(ctx).user_admin().create(new, by=OPERATOR)
    click.echo(f"created user {user.id} {user.email} ({user.role.value})")


@users.command("list")
@click.pass_context
@reports_errors
def users_list(ctx: click.Context) -> None:
    """List every user."""
    for user in container(ctx).user_admin().list(by=OPERATOR):
        state = "active" if user.active else "inactive"
        click.echo(tab_separated(str(user.id), user.email, user.full_name, user.role.value, state))


@users.command("set-role")
@click.argument("email")
@click.argument("role")
@click.pass_context
@reports_errors
def users_set_role(ctx: click.Context, email: str, role: str) -> None:
    """Change a user's role (their sessions end)."""
    parsed_role = parse_role(role)
    admin = container(ctx).user_admin()
    user = admin.change_role(_user_id(admin.find(email, by=OPERATOR).id), parsed_role, by=OPERATOR)
    click.echo(f"{user.email} is now {user.role.value}")


@users.command("deactivate")
@click.argument("email")
@click.pass_context
@reports_errors
def users_deactivate(ctx: click.Context, email: str) -> None:
    """Stop a user from signing in (their sessions end; their leads stay)."""
    admin = container(ctx).user_admin()
    user = admin.deactivate(_user_id(admin.find(email, by=OPERATOR).id), by=OPERATOR)
    click.echo(f"{user.email} is deactivated")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@click.pass_context
@reports_errors
def users_set_password(ctx: click.Context, email: str, password_stdin: bool) -> None:
    """Set a user's password (their other sessions end)."""
    admin = container(ctx).user_admin()
    user_id = _user_id(admin.find(email, by=OPERATOR).id)
    user = admin.set_password(user_id, _read_password(password_stdin), by=OPERATOR)
    click.echo(f"password changed for {user.email}")


def _user_id(user_id: int | None) -> int:
    assert user_id is not None
    return user_id


@main.group("api-keys")
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


@main.group()
def leads() -> None:
    """Find and read leads."""


def lead_filters(command: F) -> F:
    """The filters `leads list` and `leads export` share."""
    options = [
        click.option("--status", "statuses", multiple=True, help="repeat for several"),
        click.option("--assignee", default=None, help="email of the assignee, or 'none'"),
        click.option("--source", type=click.Choice([c.value for c in Channel]), default=None),
        click.option("--site", default=None),
        click.option("--form", "form_id", default=None),
        click.option("--service", default=None),
        click.option("--search", default=""),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def lead_query(built: Container, options: dict[str, Any], *, limit: int) -> LeadQuery:
    """The options as the list page's filters, through the same parser; suspected spam is listed too."""
    assignee = options["assignee"]
    if assignee in ("none", "-"):
        assignee = "none"
    elif assignee:
        assignee = str(built.user_admin().find(assignee, by=OPERATOR).id)
    given = {
        "status": list(options["statuses"]),
        "assignee": assignee,
        "source": options["source"],
        "site": options["site"],
        "form": options["form_id"],
        "service": options["service"],
        "q": options["search"],
        "after": options.get("cursor"),
    }
    params = {name: value for name, value in given.items() if value is not None}
    return evolve(filtered_leads(params, limit=limit), hide_spam=False)


@leads.command("list")
@lead_filters
@click.option("--limit", default=50, show_default=True)
@click.option("--cursor", default=None, help="from the previous page's last line")
@click.pass_context
@reports_errors
def leads_list(ctx: click.Context, /, **options: Any) -> None:
    """List leads, newest first."""
    built = container(ctx)
    page = built.list_leads()(lead_query(built, options, limit=options["limit"]), by=OPERATOR)
    for lead in page.leads:
        click.echo(lead_line(lead))
    if page.next_cursor is not None:
        click.echo(f"more: --cursor {page.next_cursor.encode()}")


@leads.command("export")
@lead_filters
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="[default: stdout]")
@click.option("--progress/--no-progress", "show_progress", default=None, help="[default: on a terminal]")
@click.pass_context
@reports_errors
def leads_export(ctx: click.Context, /, **options: Any) -> None:
    """Every lead the filters match, newest first, as CSV (the columns of the web page's export)."""
    built = container(ctx)
    batches = built.export_leads()(lead_query(built, options, limit=1000), by=OPERATOR)
    progress = Progress.chosen(options["show_progress"])
    writer = csv.writer(options["output"])
    writer.writerow(COLUMNS)
    exported = 0
    for batch in batches:
        writer.writerows(lead_row(lead) for lead in batch)
        exported += len(batch)
        progress.show(f"{exported} leads exported")
    progress.done()


@leads.command("show")
@click.argument("lead_id", type=int)
@click.pass_context
@reports_errors
def leads_show(ctx: click.Context, lead_id: int) -> None:
    """Every field of one lead, and its history."""
    view = container(ctx).get_lead()(lead_id, by=OPERATOR)
    for line in [*lead_lines(view.lead, view.people), "history:", *history_lines(view.lead, view.people)]:
        click.echo(line)


@leads.command("add")
@click.option("--name", required=True)
@click.option("--email", default="")
@click.option("--phone", default="")
@click.option("--company", default="")
@click.option("--service", default="")
@click.option("--message", default="")
@click.pass_context
@reports_errors
def leads_add(ctx: click.Context, /, **fields: str) -> None:
    """Enter a lead by hand (it is de-duplicated like every other)."""
    form = LeadForm.from_fields(Channel.MANUAL, fields)
    result = container(ctx).submit_lead()(form, by=OPERATOR)
    click.echo(f"lead {result.lead_id} {result.outcome.value}")


@main.command()
@click.option("--site", default=None, help="only this site")
@click.option("--form", "form_id", default=None, help="only forms with this id")
@click.option("--status", "show_status", is_flag=True, help="show where each form stands instead of syncing")
@click.option("--progress/--no-progress", "show_progress", default=None, help="[default: on a terminal]")
@click.option("--quiet", is_flag=True, hidden=True, help="the same as --no-progress")
@click.pass_context
@reports_errors
def sync(ctx: click.Context, /, **options: Any) -> None:
    """Import new submissions from the WordPress sites' forms (LEADSMANAGER_WORDPRESS_*)."""
    sync_forms = container(ctx).sync_forms()
    site, form_id = options["site"], options["form_id"]
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
    if report.failures:
        sys.exit(EXIT_CODES[errors.ExternalServiceError])


@main.command()
@click.option("--from", "first", default=None, help="first day, like 2026-03-01 (default: 30 days ago)")
@click.option("--to", "last", default=None, help="last day, included (default: today)")
@click.option("--tz", default="", help="time zone whose midnights start the days (default LEADSMANAGER_TIME_ZONE)")
@click.option("--assignee", default=None, help="only this rep's leads (their email)")
@click.option("--csv", "table", type=click.Choice(TABLE_NAMES), default=None, help="print one table as CSV")
@click.pass_context
@reports_errors
def report(ctx: click.Context, /, **options: Any) -> None:
    """Funnel, sources, sites, services and the team's first-response times over a period."""
    built = container(ctx)
    given = {"from": options["first"], "to": options["last"], "tz": options["tz"]}
    if options["assignee"]:
        given["assignee"] = str(built.user_admin().find(options["assignee"], by=OPERATOR).id)
    params = {k: v for k, v in given.items() if v is not None}
    zone, now = built.settings().time_zone, built.clock().now()
    query = report_query(params, zone=zone, now=now, recent_by_default=True)
    figures = built.reports()(query, by=OPERATOR)
    if options["table"]:
        chosen = table_named(figures, options["table"])
        assert chosen is not None  # click offered only known names
        click.echo(as_csv(chosen), nl=False)
        return
    period = figures.period
    click.echo(f"{period.first or 'the first lead'} to {period.last or 'now'} ({period.zone.key})")
    for table in report_tables(figures):
        click.echo("")
        for line in as_lines(table):
            click.echo(line)


def _add_job_commands() -> None:
    from leadsmanager.entrypoints.cli.jobs import COMMANDS

    for command in COMMANDS:
        main.add_command(command)


_add_job_commands()
