"""The one composition root: every adapter and use case is built here from settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import redis
from dependency_injector import containers, providers
from sqlalchemy import Engine

from leadsmanager.adapters.redis_rate import RedisRateLimiter
from leadsmanager.adapters.sql.engine import make_engine, make_session_factory
from leadsmanager.adapters.sql.sessions import SqlRateLimiter
from leadsmanager.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from leadsmanager.adapters.system import Argon2Hasher, SecretTokens, SystemClock
from leadsmanager.adapters.wordpress import WordPressFormSource, WordPressSite
from leadsmanager.application.api_keys import ApiKeys
from leadsmanager.application.dashboard import Dashboard
from leadsmanager.application.form_mapping import SyncedForm
from leadsmanager.application.intake import SubmitLead
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
from leadsmanager.application.ports import RateLimiter
from leadsmanager.application.reports import Reports
from leadsmanager.application.sessions import Sessions
from leadsmanager.application.sync import SyncForms
from leadsmanager.application.users import Authenticate, UserAdmin
from leadsmanager.entrypoints.settings import Settings


def _engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _form_source(sites: tuple[WordPressSite, ...]) -> Iterator[WordPressFormSource]:
    with WordPressFormSource(sites) as source:  # closes its HTTP connections at shutdown
        yield source


def _synced_forms(sites: tuple[WordPressSite, ...]) -> tuple[SyncedForm, ...]:
    return tuple(form for site in sites for form in site.synced_forms())


def _rate_limiter(redis_url: str | None, engine: Engine) -> RateLimiter:
    """Redis when configured (one INCR a hit); otherwise the database, shared by every process."""
    if redis_url:
        return RedisRateLimiter(redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1))
    return SqlRateLimiter(engine)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    engine = providers.Resource(_engine, settings.provided.database_url)
    session_factory = providers.Singleton(make_session_factory, engine)
    # A factory: each use case opens its own unit of work, never a shared one.
    uow = providers.Factory(SqlAlchemyUnitOfWork, session_factory)
    clock = providers.Singleton(SystemClock)
    hasher = providers.Singleton(Argon2Hasher)

    submit_lead = providers.Singleton(SubmitLead, uow.provider, clock, phone_region=settings.provided.phone_region)
    change_status = providers.Singleton(ChangeStatus, uow.provider, clock)
    assign_lead = providers.Singleton(AssignLead, uow.provider, clock)
    add_note = providers.Singleton(AddNote, uow.provider, clock)
    get_lead = providers.Singleton(GetLead, uow.provider)
    list_leads = providers.Singleton(ListLeads, uow.provider)
    export_leads = providers.Singleton(ExportLeads, uow.provider)
    update_lead = providers.Singleton(UpdateLead, uow.provider, clock)
    lead_statistics = providers.Singleton(LeadStatistics, uow.provider)
    user_admin = providers.Singleton(
        UserAdmin, uow.provider, clock, hasher, phone_region=settings.provided.phone_region
    )
    authenticate = providers.Singleton(Authenticate, uow.provider, hasher)
    dashboard = providers.Singleton(Dashboard, uow.provider)
    follow_up = providers.Callable(lambda hours: timedelta(hours=hours), settings.provided.follow_up_hours)
    reports = providers.Singleton(Reports, uow.provider, clock, follow_up=follow_up)
    tokens = providers.Singleton(SecretTokens)
    rate_limiter = providers.Singleton(_rate_limiter, settings.provided.redis_url, engine)
    api_keys = providers.Singleton(ApiKeys, uow.provider, clock, tokens)
    sessions = providers.Singleton(Sessions, uow.provider, clock, tokens, authenticate, rate_limiter)
    form_source = providers.Resource(_form_source, settings.provided.wordpress_sites)
    synced_forms = providers.Callable(_synced_forms, settings.provided.wordpress_sites)
    sync_forms = providers.Singleton(SyncForms, synced_forms, form_source, submit_lead, uow.provider, clock)


def build(settings: Settings | None = None) -> Container:
    return Container(settings=settings or Settings.from_env())
