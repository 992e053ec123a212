"""The use cases, each built once around a unit-of-work factory and the adapters it needs."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.application.api_keys import ApiKeys
from leadsmanager.application.dashboard import Dashboard
from leadsmanager.application.discovery.discover import DiscoverForms
from leadsmanager.application.failed_submissions import FailedSubmissions
from leadsmanager.application.imports import ImportCsv
from leadsmanager.application.intake.form_mapping import SyncedForm
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
from leadsmanager.application.legacy import ImportLegacyLeads, ImportLegacyUsers
from leadsmanager.application.pipeline import ApplyPreset, EditStages, StageEditor, StageLog, Stages
from leadsmanager.application.profile import Profile
from leadsmanager.application.push import ReceivePush
from leadsmanager.application.reports import Reports
from leadsmanager.application.sessions import Sessions
from leadsmanager.application.sources import SourceHealth, SourceSite
from leadsmanager.application.sync import SyncForms
from leadsmanager.application.users import Authenticate, UserAdmin
from leadsmanager.domain.period import time_zone
from leadsmanager.entrypoints.bootstrap.counted_intake import CountedSubmitLead
from leadsmanager.entrypoints.bootstrap.settings import Settings


def _pulled(forms: tuple[SyncedForm, ...], sites: tuple[WordPressSite, ...]) -> tuple[SyncedForm, ...]:
    """The forms the sync reads: not those of sites that only take pushes."""
    syncing = {site.name for site in sites if site.syncs}
    return tuple(form for form in forms if form.site in syncing)


def _source_sites(sites: tuple[WordPressSite, ...]) -> tuple[SourceSite, ...]:
    """The configured sites as the Sources page lists them, push-only sites too."""
    return tuple(SourceSite(s.name, s.kind.value, s.syncs, s.takes_pushes, tuple(s.forms)) for s in sites)


class UseCases(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    adapters = providers.DependenciesContainer()
    # Writers get the unit-of-work factory (`.provider`): each call opens a fresh one.
    uow = adapters.uow.provider
    # Readers get the views factory: each call reads on a read-only session of its own.
    views = adapters.lead_views.provider
    clock = adapters.clock
    phone_region = settings.provided.phone_region

    stages = providers.Singleton(Stages, uow)
    submit_lead = providers.Singleton(CountedSubmitLead, uow, clock, phone_region=phone_region)
    change_status = providers.Singleton(ChangeStatus, uow, clock)
    assign_lead = providers.Singleton(AssignLead, uow, clock)
    add_note = providers.Singleton(AddNote, uow, clock)
    update_lead = providers.Singleton(UpdateLead, uow, clock, phone_region=phone_region)
    get_lead = providers.Singleton(GetLead, views)
    list_leads = providers.Singleton(ListLeads, views, stages)
    export_leads = providers.Singleton(ExportLeads, views, stages)
    lead_statistics = providers.Singleton(LeadStatistics, views)
    dashboard = providers.Singleton(Dashboard, views, stages)
    follow_up = providers.Callable(lambda hours: timedelta(hours=hours), settings.provided.follow_up_hours)
    reports = providers.Singleton(Reports, views, clock, follow_up=follow_up, stages=stages)

    user_admin = providers.Singleton(UserAdmin, uow, clock, adapters.hasher, phone_region=phone_region)
    authenticate = providers.Singleton(Authenticate, uow, adapters.hasher)
    profile = providers.Singleton(Profile, uow)
    api_keys = providers.Singleton(ApiKeys, uow, clock, adapters.tokens)
    stage_log = providers.Singleton(StageLog, uow)
    apply_preset = providers.Singleton(ApplyPreset, uow, clock)
    stage_editor = providers.Singleton(StageEditor, uow)
    edit_stages = providers.Singleton(EditStages, uow, clock)
    import_legacy_users = providers.Singleton(ImportLegacyUsers, uow, clock)
    import_legacy_leads = providers.Singleton(ImportLegacyLeads, uow, clock)
    key_notices = providers.Singleton(KeyNotices, uow, clock)
    sessions = providers.Singleton(Sessions, uow, clock, adapters.tokens, authenticate, adapters.rate_limiter)
    failed_submissions = providers.Singleton(
        FailedSubmissions, uow, clock, adapters.synced_forms, phone_region=phone_region
    )
    receive_push = providers.Singleton(ReceivePush, submit_lead, failed_submissions, clock)
    sync_forms = providers.Singleton(
        SyncForms,
        providers.Callable(_pulled, adapters.synced_forms, settings.provided.wordpress_sites),
        adapters.form_source,
        submit_lead,
        uow,
        clock,
        reread=settings.provided.sync_reread_ids,
    )
    source_health = providers.Singleton(
        SourceHealth, providers.Callable(_source_sites, settings.provided.wordpress_sites), uow, views, clock
    )
    # The form source lists forms too, over the same connections (FormCatalogue).
    discover_forms = providers.Singleton(DiscoverForms, adapters.synced_forms, adapters.form_source)
    import_csv = providers.Singleton(
        ImportCsv,
        submit_lead,
        uow,
        clock,
        phone_region=phone_region,
        zone=providers.Callable(time_zone, settings.provided.time_zone),
    )
