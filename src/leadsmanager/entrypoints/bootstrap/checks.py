"""`leadsmanager check`: the configuration and every dependency, one line each; and what production refuses."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from leadsmanager.adapters.notifier_settings import Notifiers
from leadsmanager.adapters.perfit import PerfitConfig
from leadsmanager.adapters.probes import Probe, database_probe, redis_probe
from leadsmanager.adapters.service_probes import perfit_probe, slack_probe, wordpress_probe
from leadsmanager.adapters.sql.migrate import pending
from leadsmanager.application.intake.routing import unknown_stages
from leadsmanager.domain.errors import LeadsManagerError, ValidationError
from leadsmanager.domain.pipeline import Pipeline
from leadsmanager.entrypoints.bootstrap.container import build
from leadsmanager.entrypoints.bootstrap.jobs import Process
from leadsmanager.entrypoints.bootstrap.settings import PREFIX, Settings

MIN_SECRET_LENGTH = 32
# Placeholders from docs, examples and docker-compose.yml: known to everyone, so no secret at all.
KNOWN_SECRETS = frozenset(
    {"secret", "changeme", "change-me", "change-me-please", "insecure", "development", "dev", "test", "default"}
    | {"local-compose-secret-key-not-for-production-use"}
)
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def insecure_settings(settings: Settings) -> list[str]:
    """Why this configuration must not serve in production; empty when it may."""
    problems = []
    if settings.debug:
        problems.append(f"{PREFIX}DEBUG is on: error pages would show code and data")
    if not settings.secret_key:
        problems.append(f"{PREFIX}SECRET_KEY is not set: each instance would sign with a key of its own")
    elif len(settings.secret_key) < MIN_SECRET_LENGTH or settings.secret_key.lower() in KNOWN_SECRETS:
        problems.append(f"{PREFIX}SECRET_KEY is weak: use at least {MIN_SECRET_LENGTH} random characters")
    hosts = set(settings.allowed_hosts)
    if not hosts or "*" in hosts or hosts <= LOOPBACK_NAMES:
        problems.append(f"{PREFIX}ALLOWED_HOSTS must name the site's host names (not '*', not only localhost)")
    if not settings.secure_cookies:
        problems.append(f"{PREFIX}SECURE_COOKIES is off: session cookies would also travel over plain HTTP")
    return problems


def run_checks(environ: Mapping[str, str]) -> list[Probe]:
    """One line per item; a configuration that cannot be read is the only line."""
    try:
        settings = Settings.from_env(environ, env_file=None)
    except ValidationError as e:
        return [Probe("config", False, str(e))]
    built = build(settings, Process.COMMAND)
    try:
        database = database_line(settings, built.probe_engine())
        # The stages are read once the schema holds them: an embedded database is migrated at the next command.
        known = database.ok and not pending(built.probe_engine())
        return [
            *config_lines(settings),
            database,
            *(route_lines(settings, built.stages()) if known else []),
            redis_probe(built.probe_redis()),
            *(wordpress_probe(site) for site in settings.wordpress_sites if site.syncs),
            *notifier_lines(settings, built.notifiers),
        ]
    finally:
        built.shutdown_resources()


def config_lines(settings: Settings) -> list[Probe]:
    problems = insecure_settings(settings)
    if settings.is_production:
        return [Probe("config", False, p) for p in problems] or [Probe("config", True, "production, secure")]
    note = f"; production would refuse {len(problems)} setting(s)" if problems else ""
    return [Probe("config", True, f"{settings.environment} mode{note}")]


def database_line(settings: Settings, engine: Engine) -> Probe:
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    probe = database_probe(engine)
    if not probe.ok:
        return Probe("database", False, f"{where}: {probe.detail}")
    behind = pending(engine)
    if behind and not settings.is_embedded:
        return Probe(
            "database", False, f"{where}: answers, but the schema is out of date: run `leadsmanager db upgrade`"
        )
    return Probe(
        "database", True, f"{where}: answers, schema {'migrated at the next command' if behind else 'up to date'}"
    )


def route_lines(settings: Settings, pipeline: Callable[[], Pipeline]) -> list[Probe]:
    """Every form answer routed to a stage the configured pipeline has in use (the pipeline lives in the
    database, so the environment alone cannot tell)."""
    routed = [(site, form_id, routes) for site in settings.wordpress_sites for form_id, routes in site.routes.items()]
    if not routed:
        return []
    try:
        current = pipeline()
    except (LeadsManagerError, SQLAlchemyError) as e:
        return [Probe("routes", False, f"the pipeline could not be read to check the routes: {e}")]
    lines = [
        Probe(
            "routes",
            False,
            f"{PREFIX}WORDPRESS_{site.name.upper()}_ROUTES: form {form_id} routes to {', '.join(unknown)}, "
            f"not a stage in use of the pipeline ({', '.join(current.keys)})",
        )
        for site, form_id, routes in routed
        if (unknown := unknown_stages(routes, current))
    ]
    count = sum(len(routes) for _, _, routes in routed)
    return lines or [Probe("routes", True, f"{count} form answer(s) routed to stages of the pipeline")]


def email_line(email_via: str, settings: Settings) -> Probe:
    if email_via != "outbox":
        return Probe("email", True, f"sent through {email_via}")
    where = f"written to {settings.data_dir / 'outbox'} (nothing leaves the machine)"
    if settings.is_production:
        return Probe("email", False, f"no email channel in production: emails are {where}; set {PREFIX}SMTP_HOST")
    return Probe("email", True, where)


def notifier_lines(settings: Settings, chosen: Callable[[], Notifiers]) -> list[Probe]:
    try:
        notifiers = chosen()
    except ValidationError as e:
        return [Probe("notifiers", False, str(e))]
    configured = settings.notifiers()
    lines = [email_line(notifiers.email_via, settings)]
    if isinstance(configured.email, PerfitConfig):
        lines.append(perfit_probe(configured.email.base_url, configured.email.api_key))
    elif configured.ignored_perfit_key:
        ignored = f"{PREFIX}PERFIT_API_KEY is ignored: Perfit discontinued its transactional API (use SMTP)"
        lines.append(Probe("perfit", True, ignored))
    if configured.slack_webhook:
        lines.append(slack_probe(configured.slack_webhook))
    else:
        lines.append(Probe("slack", True, "not configured (chat messages go to the outbox)"))
    return lines
