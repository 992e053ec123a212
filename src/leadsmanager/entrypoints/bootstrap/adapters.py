"""The adapters on real services: the database (SQLite or MariaDB/MySQL), Redis, WordPress and the notifiers."""

from __future__ import annotations

from collections.abc import Iterator

import redis
from dependency_injector import containers, providers
from sqlalchemy import Engine

from leadsmanager.adapters.email_templates import EmailTemplates
from leadsmanager.adapters.form_sources.by_kind import SitesFormSource
from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.adapters.notifier_settings import Notifiers, notifiers_for
from leadsmanager.adapters.outbox import Outbox
from leadsmanager.adapters.probes import Readiness, redis_client
from leadsmanager.adapters.redis_rate import RedisRateLimiter
from leadsmanager.adapters.service_probes import TIMEOUT
from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.pipeline import PipelineCache
from leadsmanager.adapters.sql.rate_limits import SqlRateLimiter
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.adapters.sql.views.leads import SqlLeadViews
from leadsmanager.adapters.sql.views.report_counts import fold_pending
from leadsmanager.adapters.sql.views.search_memory import SearchMemory
from leadsmanager.adapters.system import Argon2Hasher, SecretTokens, SystemClock
from leadsmanager.application.intake.form_mapping import SyncedForm
from leadsmanager.application.ports import Clock, RateLimiter
from leadsmanager.domain.period import time_zone
from leadsmanager.entrypoints.bootstrap.settings import Settings


def _engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _form_source(sites: tuple[WordPressSite, ...]) -> Iterator[SitesFormSource]:
    with SitesFormSource(s for s in sites if s.syncs) as source:  # closes its HTTP connections at shutdown
        yield source


def _synced_forms(sites: tuple[WordPressSite, ...]) -> tuple[SyncedForm, ...]:
    return tuple(form for site in sites for form in site.synced_forms())


def _probe_engine(s: Settings) -> Iterator[Engine]:
    """For `check`: gives up connecting to MariaDB/MySQL after the probes' timeout."""
    options = {} if s.is_embedded else {"connect_args": {"connect_timeout": int(TIMEOUT)}}
    engine = make_engine(s.database_url, **options)
    yield engine
    engine.dispose()


def _probe_redis(url: str | None) -> Iterator[redis.Redis | None]:
    """Redis with the probes' timeouts, when it is configured."""
    client = redis_client(url) if url else None
    yield client
    if client is not None:
        client.close()


def _rate_limiter(redis_url: str | None, engine: Engine) -> RateLimiter:
    """Redis when configured (one INCR a hit); otherwise the database, shared by every process."""
    if redis_url:
        return RedisRateLimiter(redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1))
    return SqlRateLimiter(engine)


def _notifiers(s: Settings, outbox: Outbox, clock: Clock) -> Notifiers:
    return notifiers_for(s.notifiers(), outbox=outbox, clock=clock)


def _outbox(s: Settings, clock: Clock) -> Outbox:
    return Outbox(s.data_dir / "outbox", clock=clock)


class Adapters(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    engine = providers.Resource(_engine, settings.provided.database_url)
    session_factory = providers.Singleton(make_session_factory, engine)
    # A factory: each use case opens its own unit of work, never a shared one.
    uow = providers.Factory(SqlAlchemyUnitOfWork, session_factory, providers.Singleton(PipelineCache))
    # For use cases that only read: on SQLite they neither wait for nor hold up the one writer.
    read_session_factory = providers.Singleton(make_session_factory, engine, read_only=True)
    # Lists, searches, counts and reports: each use reads on a read-only session of its own; what
    # searches learn to plan the next ones (SearchMemory) is one for the process.
    lead_views = providers.Factory(SqlLeadViews, read_session_factory, providers.Singleton(SearchMemory))
    # Report count changes wait in a table of their own until this folds them in (every few seconds).
    fold_report_counts = providers.Callable(fold_pending, session_factory)
    probe_redis = providers.Resource(_probe_redis, settings.provided.redis_url)
    readiness = providers.Singleton(Readiness, engine, probe_redis)
    probe_engine = providers.Resource(_probe_engine, settings)

    clock = providers.Singleton(SystemClock)
    hasher = providers.Singleton(Argon2Hasher)
    tokens = providers.Singleton(SecretTokens)
    rate_limiter = providers.Singleton(_rate_limiter, settings.provided.redis_url, engine)

    form_source = providers.Resource(_form_source, settings.provided.wordpress_sites)
    synced_forms = providers.Callable(_synced_forms, settings.provided.wordpress_sites)

    # Emails and chat messages no service takes, as files; the admins' jobs page lists them.
    outbox = providers.Singleton(_outbox, settings, clock)
    notifiers = providers.Singleton(_notifiers, settings, outbox, clock)
    templates = providers.Singleton(
        EmailTemplates,
        base_url=settings.provided.base_url,
        zone=providers.Callable(time_zone, settings.provided.time_zone),
    )
