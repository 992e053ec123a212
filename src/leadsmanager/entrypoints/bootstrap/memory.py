"""The adapters kept in memory: for tests, and the demo (`serve --demo`, LEADSMANAGER_DEMO=1), which runs
the whole product with nothing persisted. The same names as `Adapters`; a test holds them to it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import redis
from dependency_injector import containers, providers

from leadsmanager.adapters.email_templates import EmailTemplates
from leadsmanager.adapters.memory.forms import MemoryFormSource
from leadsmanager.adapters.memory.rate_limits import MemoryRateLimiter
from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.adapters.memory.unit_of_work import MemoryUnitOfWork
from leadsmanager.adapters.memory.views import MemoryLeadViews
from leadsmanager.adapters.notifier_settings import Notifiers
from leadsmanager.adapters.outbox import Outbox
from leadsmanager.adapters.probes import Readiness
from leadsmanager.adapters.system import Argon2Hasher, SecretTokens, SystemClock
from leadsmanager.application.ports import Clock
from leadsmanager.domain.errors import StorageError
from leadsmanager.domain.period import time_zone
from leadsmanager.entrypoints.bootstrap.settings import Settings


def _no_database() -> None:
    raise StorageError("the demo keeps everything in memory: it has no database")


def _outbox(clock: Clock) -> Iterator[Outbox]:
    """Notices go to files an admin reads on the jobs page, in a directory removed at shutdown."""
    with tempfile.TemporaryDirectory(prefix="leadsmanager-demo-") as directory:
        yield Outbox(Path(directory), clock=clock)


def _notifiers(outbox: Outbox) -> Notifiers:
    return Notifiers(email=outbox, chat=outbox, email_via="outbox", chat_via="outbox")


class InMemoryAdapters(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    store = providers.Singleton(MemoryStore)
    engine = providers.Callable(_no_database)
    session_factory = providers.Callable(_no_database)
    read_session_factory = providers.Callable(_no_database)
    uow = providers.Factory(MemoryUnitOfWork, store)
    lead_views = providers.Factory(MemoryLeadViews, store)
    fold_report_counts = providers.Callable(int)  # 0: the memory store counts reports when they are read
    probe_redis: providers.Object[redis.Redis | None] = providers.Object(None)
    readiness = providers.Singleton(Readiness, None, None)
    probe_engine = providers.Callable(_no_database)

    clock = providers.Singleton(SystemClock)
    hasher = providers.Singleton(Argon2Hasher)
    tokens = providers.Singleton(SecretTokens)
    rate_limiter = providers.Singleton(MemoryRateLimiter)

    form_source = providers.Singleton(MemoryFormSource)
    synced_forms = providers.Object(())
    outbox = providers.Resource(_outbox, clock)
    notifiers = providers.Singleton(_notifiers, outbox)
    templates = providers.Singleton(
        EmailTemplates,
        base_url=settings.provided.base_url,
        zone=providers.Callable(time_zone, settings.provided.time_zone),
    )
