"""The one composition root: adapters, use cases and jobs, each a container of its own, built from settings.

Entrypoints ask the root for what they need by name (`container.submit_lead()`). Tests may override one
of those providers (the clock, the password hasher); everything built on it follows.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import dramatiq
import redis
from dependency_injector import containers, providers
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from leadsmanager.adapters.dramatiq_tasks import BrokerSettings, Handler
from leadsmanager.adapters.email_templates import EmailTemplates
from leadsmanager.adapters.notifier_settings import Notifiers
from leadsmanager.adapters.outbox import Outbox
from leadsmanager.adapters.probes import Readiness
from leadsmanager.application import leads
from leadsmanager.application.api_keys import ApiKeys
from leadsmanager.application.consistency import CheckConsistency
from leadsmanager.application.dashboard import Dashboard
from leadsmanager.application.discovery.discover import DiscoverForms
from leadsmanager.application.failed_submissions import FailedSubmissions
from leadsmanager.application.intake.form_mapping import SyncedForm
from leadsmanager.application.jobs import FailedTasks, QueueFollowUps, RelayOutbox
from leadsmanager.application.key_notices import KeyNotices
from leadsmanager.application.legacy import ImportLegacyLeads, ImportLegacyUsers
from leadsmanager.application.notices import NoticeSettings, SendNotice
from leadsmanager.application.pipeline import ApplyPreset, EditStages, StageEditor, StageLog, Stages
from leadsmanager.application.ports import (
    Clock,
    FormSource,
    LeadViews,
    PasswordHasher,
    RateLimiter,
    TaskQueue,
    TokenGenerator,
    UnitOfWork,
)
from leadsmanager.application.profile import Profile
from leadsmanager.application.push import ReceivePush
from leadsmanager.application.reports import Reports
from leadsmanager.application.sessions import Sessions
from leadsmanager.application.sources import SourceHealth
from leadsmanager.application.sync import SyncForms
from leadsmanager.application.users import Authenticate, UserAdmin
from leadsmanager.entrypoints.bootstrap.adapters import Adapters
from leadsmanager.entrypoints.bootstrap.counted_intake import CountedSubmitLead
from leadsmanager.entrypoints.bootstrap.jobs import Jobs, Process
from leadsmanager.entrypoints.bootstrap.memory import InMemoryAdapters
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.bootstrap.use_cases import UseCases

P = providers.Provider


def _storage(settings: Settings) -> str:
    return "memory" if settings.demo else "services"


def _chosen(storage: providers.Provider[str], services: Any, memory: Any) -> providers.DependenciesContainer:
    """Each adapter from the container the settings pick: real services, or memory (the demo)."""
    missing = set(Adapters.providers) - set(InMemoryAdapters.providers)
    if missing:
        raise TypeError(f"InMemoryAdapters lacks {', '.join(sorted(missing))}: each adapter needs its stand-in")
    names = [name for name in Adapters.providers if name != "settings"]
    chosen = {n: providers.Selector(storage, services=getattr(services, n), memory=getattr(memory, n)) for n in names}
    return providers.DependenciesContainer(**chosen)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    process = providers.Dependency(instance_of=Process, default=Process.WEB)
    services = providers.Container(Adapters, settings=settings)
    memory = providers.Container(InMemoryAdapters, settings=settings)
    adapters = _chosen(providers.Callable(_storage, settings), services, memory)
    use_cases = providers.Container(UseCases, settings=settings, adapters=adapters)
    jobs = providers.Container(Jobs, settings=settings, process=process, adapters=adapters, use_cases=use_cases)

    # The names entrypoints ask for, typed here: a nested container's providers are untyped.
    engine: P[Engine] = adapters.engine
    session_factory: P[sessionmaker[Session]] = adapters.session_factory
    read_session_factory: P[sessionmaker[Session]] = adapters.read_session_factory
    uow: P[UnitOfWork] = adapters.uow
    lead_views: P[LeadViews] = adapters.lead_views
    clock: P[Clock] = adapters.clock
    hasher: P[PasswordHasher] = adapters.hasher
    tokens: P[TokenGenerator] = adapters.tokens
    rate_limiter: P[RateLimiter] = adapters.rate_limiter
    form_source: P[FormSource] = adapters.form_source
    synced_forms: P[tuple[SyncedForm, ...]] = adapters.synced_forms
    templates: P[EmailTemplates] = adapters.templates
    readiness: P[Readiness] = adapters.readiness
    probe_engine: P[Engine] = adapters.probe_engine
    probe_redis: P[redis.Redis | None] = adapters.probe_redis
    fold_report_counts: P[int] = adapters.fold_report_counts
    notifiers: P[Notifiers] = adapters.notifiers
    outbox: P[Outbox] = adapters.outbox

    submit_lead: P[CountedSubmitLead] = use_cases.submit_lead
    receive_push: P[ReceivePush] = use_cases.receive_push
    change_status: P[leads.ChangeStatus] = use_cases.change_status
    assign_lead: P[leads.AssignLead] = use_cases.assign_lead
    add_note: P[leads.AddNote] = use_cases.add_note
    update_lead: P[leads.UpdateLead] = use_cases.update_lead
    get_lead: P[leads.GetLead] = use_cases.get_lead
    list_leads: P[leads.ListLeads] = use_cases.list_leads
    export_leads: P[leads.ExportLeads] = use_cases.export_leads
    lead_statistics: P[leads.LeadStatistics] = use_cases.lead_statistics
    dashboard: P[Dashboard] = use_cases.dashboard
    follow_up: P[timedelta] = use_cases.follow_up
    reports: P[Reports] = use_cases.reports
    user_admin: P[UserAdmin] = use_cases.user_admin
    authenticate: P[Authenticate] = use_cases.authenticate
    profile: P[Profile] = use_cases.profile
    api_keys: P[ApiKeys] = use_cases.api_keys
    stages: P[Stages] = use_cases.stages
    stage_log: P[StageLog] = use_cases.stage_log
    apply_preset: P[ApplyPreset] = use_cases.apply_preset
    stage_editor: P[StageEditor] = use_cases.stage_editor
    edit_stages: P[EditStages] = use_cases.edit_stages
    import_legacy_users: P[ImportLegacyUsers] = use_cases.import_legacy_users
    import_legacy_leads: P[ImportLegacyLeads] = use_cases.import_legacy_leads
    key_notices: P[KeyNotices] = use_cases.key_notices
    sessions: P[Sessions] = use_cases.sessions
    sync_forms: P[SyncForms] = use_cases.sync_forms
    failed_submissions: P[FailedSubmissions] = use_cases.failed_submissions
    discover_forms: P[DiscoverForms] = use_cases.discover_forms
    source_health: P[SourceHealth] = use_cases.source_health

    broker_settings: P[BrokerSettings] = jobs.broker_settings
    broker: P[dramatiq.Broker] = jobs.broker
    task_queue: P[TaskQueue] = jobs.task_queue
    notice_settings: P[NoticeSettings] = jobs.notice_settings
    send_notice: P[SendNotice] = jobs.send_notice
    relay_outbox: P[RelayOutbox] = jobs.relay_outbox
    queue_follow_ups: P[QueueFollowUps] = jobs.queue_follow_ups
    failed_tasks: P[FailedTasks] = jobs.failed_tasks
    check_consistency: P[CheckConsistency] = jobs.check_consistency
    task_handlers: P[dict[str, Handler]] = jobs.task_handlers


def build(settings: Settings | None = None, process: Process = Process.WEB) -> Container:
    """The container for this process: the web app unless told otherwise (see `Process`)."""
    return Container(settings=settings or Settings.from_env(), process=process)
