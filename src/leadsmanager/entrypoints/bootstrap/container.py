"""The one composition root: every adapter and use case is built here from settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import redis
from dependency_injector import containers, providers
from sqlalchemy import Engine

from leadsmanager.adapters.dramatiq_tasks import BrokerSettings, DramatiqTaskQueue, make_broker
from leadsmanager.adapters.email_templates import EmailTemplates
from leadsmanager.adapters.notifier_settings import Notifiers, notifiers_from_env
from leadsmanager.adapters.probes import Readiness
from leadsmanager.adapters.redis_rate import RedisRateLimiter
from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.rate_limits import SqlRateLimiter
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.adapters.sql.views.report_counts import fold_pending
from leadsmanager.adapters.system import Argon2Hasher, SecretTokens, SystemClock
from leadsmanager.adapters.wordpress import WordPressFormSource, WordPressSite
from leadsmanager.application.api_keys import ApiKeys
from leadsmanager.application.consistency import CheckConsistency
from leadsmanager.application.dashboard import Dashboard
from leadsmanager.application.form_mapping import SyncedForm
from leadsmanager.application.job_types import QueueUnavailable
from leadsmanager.application.jobs import FailedTasks, QueueFollowUps, RelayOutbox
from leadsmanager.application.key_notices import KeyNotices
from leadsmanager.application.leads import (
    AddNote,
    AssignLead,
    ChangeStatus,
    ExportLeads,
    GetLead,
    LeadStatistics,
    ListLeads,
    UpdateLead,
)
from leadsmanager.application.notices import NoticeSettings, SendNotice
from leadsmanager.application.ports import Clock, RateLimiter, TaskQueue
from leadsmanager.application.reports import Reports
from leadsmanager.application.sessions import Sessions
from leadsmanager.application.sync import SyncForms
from leadsmanager.application.users import Authenticate, UserAdmin
from leadsmanager.entrypoints.bootstrap.counted_intake import CountedSubmitLead
from leadsmanager.entrypoints.bootstrap.settings import Settings


def _engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _form_source(sites: tuple[WordPressSite, ...]) -> Iterator[WordPressFormSource]:
    with WordPressFormSource(sites) as source:  # closes its HTTP connections at shutdown
        yield source


def _synced_forms(sites: tuple[WordPressSite, ...]) -> tuple[SyncedForm, ...]:
    return tuple(form for site in sites for form in site.synced_forms())


def _readiness(engine: Engine, redis_url: str | None) -> Iterator[Readiness]:
    readiness = Readiness(engine, redis_url)
    yield readiness
    readiness.close()


def _rate_limiter(redis_url: str | None, engine: Engine) -> RateLimiter:
    """Redis when configured (one INCR a hit); otherwise the database, shared by every process."""
    if redis_url:
        return RedisRateLimiter(redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1))
    return SqlRateLimiter(engine)


def _notice_settings(s: Settings) -> NoticeSettings:
    return NoticeSettings(
        sales_team=s.sales_team,
        confirmation=s.send_confirmation,
        follow_up_after=timedelta(hours=s.follow_up_hours),
        escalate_after=timedelta(hours=s.escalate_after_hours),
        remind_within=timedelta(days=s.remind_within_days),
        lease=timedelta(seconds=s.delivery_lease_seconds),
    )


def _broker_settings(s: Settings) -> BrokerSettings:
    return BrokerSettings(s.redis_url, heartbeat_seconds=s.worker_heartbeat_seconds, max_retries=s.task_max_retries)


def _notifiers(s: Settings, clock: Clock) -> Notifiers:
    return notifiers_from_env(s.env, data_dir=s.data_dir, clock=clock)


class NoWorkerQueue(TaskQueue):
    """The embedded default outside `serve`: no worker listens here, so events wait in the outbox."""

    def enqueue(self, task: str, **args: int | str) -> None:
        raise QueueUnavailable("no task queue in this process: `leadsmanager serve` runs the tasks")


def _task_queue(settings: BrokerSettings) -> TaskQueue:
    return DramatiqTaskQueue(make_broker(settings)) if settings.redis_url else NoWorkerQueue()


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    engine = providers.Resource(_engine, settings.provided.database_url)
    session_factory = providers.Singleton(make_session_factory, engine)
    # A factory: each use case opens its own unit of work, never a shared one.
    uow = providers.Factory(SqlAlchemyUnitOfWork, session_factory)
    # For use cases that only read: on SQLite they neither wait for nor hold up the one writer.
    read_session_factory = providers.Singleton(make_session_factory, engine, read_only=True)
    read_uow = providers.Factory(SqlAlchemyUnitOfWork, read_session_factory)
    clock = providers.Singleton(SystemClock)
    hasher = providers.Singleton(Argon2Hasher)

    submit_lead = providers.Singleton(
        CountedSubmitLead, uow.provider, clock, phone_region=settings.provided.phone_region
    )
    change_status = providers.Singleton(ChangeStatus, uow.provider, clock)
    assign_lead = providers.Singleton(AssignLead, uow.provider, clock)
    add_note = providers.Singleton(AddNote, uow.provider, clock)
    get_lead = providers.Singleton(GetLead, read_uow.provider)
    list_leads = providers.Singleton(ListLeads, read_uow.provider)
    export_leads = providers.Singleton(ExportLeads, read_uow.provider)
    update_lead = providers.Singleton(UpdateLead, uow.provider, clock)
    lead_statistics = providers.Singleton(LeadStatistics, read_uow.provider)
    user_admin = providers.Singleton(
        UserAdmin, uow.provider, clock, hasher, phone_region=settings.provided.phone_region
    )
    authenticate = providers.Singleton(Authenticate, uow.provider, hasher)
    dashboard = providers.Singleton(Dashboard, read_uow.provider)
    follow_up = providers.Callable(lambda hours: timedelta(hours=hours), settings.provided.follow_up_hours)
    reports = providers.Singleton(Reports, read_uow.provider, clock, follow_up=follow_up)
    tokens = providers.Singleton(SecretTokens)
    rate_limiter = providers.Singleton(_rate_limiter, settings.provided.redis_url, engine)
    api_keys = providers.Singleton(ApiKeys, uow.provider, clock, tokens)
    key_notices = providers.Singleton(KeyNotices, uow.provider, clock)
    sessions = providers.Singleton(Sessions, uow.provider, clock, tokens, authenticate, rate_limiter)
    form_source = providers.Resource(_form_source, settings.provided.wordpress_sites)
    synced_forms = providers.Callable(_synced_forms, settings.provided.wordpress_sites)
    sync_forms = providers.Singleton(
        SyncForms,
        synced_forms,
        form_source,
        submit_lead,
        uow.provider,
        clock,
        reread=settings.provided.sync_reread_ids,
    )
    # Report count changes wait in a table of their own until this folds them in (every few seconds).
    fold_report_counts = providers.Callable(fold_pending, session_factory)
    readiness = providers.Resource(_readiness, engine, settings.provided.redis_url)

    # Background jobs: the broker is Redis when configured; `serve` overrides the queue on the embedded default.
    broker_settings = providers.Singleton(_broker_settings, settings)
    task_queue = providers.Singleton(_task_queue, broker_settings)
    notice_settings = providers.Singleton(_notice_settings, settings)
    notifiers = providers.Singleton(_notifiers, settings, clock)
    templates = providers.Singleton(EmailTemplates, base_url=settings.provided.base_url)
    send_notice = providers.Singleton(
        SendNotice,
        uow.provider,
        clock,
        email=notifiers.provided.email,
        chat=notifiers.provided.chat,
        templates=templates,
        settings=notice_settings,
    )
    relay_outbox = providers.Singleton(RelayOutbox, uow.provider, clock, task_queue, notice_settings)
    queue_follow_ups = providers.Singleton(QueueFollowUps, uow.provider, clock, task_queue, notice_settings)
    failed_tasks = providers.Singleton(FailedTasks, uow.provider, clock, task_queue)
    check_consistency = providers.Singleton(CheckConsistency, uow.provider, clock)


def build(settings: Settings | None = None) -> Container:
    return Container(settings=settings or Settings.from_env())
