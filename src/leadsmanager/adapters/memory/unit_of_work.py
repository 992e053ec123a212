"""One in-memory business transaction: reads see the committed store; writes wait for `commit()`."""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import TracebackType

from leadsmanager.adapters.event_records import stored_entry
from leadsmanager.adapters.memory.accounts import (
    MemoryApiKeyRepository,
    MemoryIdempotencyRepository,
    MemoryKeyNoticeRepository,
    MemorySessionRepository,
    MemoryUserRepository,
)
from leadsmanager.adapters.memory.failed_submissions import MemoryFailedSubmissionRepository
from leadsmanager.adapters.memory.file_imports import MemoryFileImportRepository
from leadsmanager.adapters.memory.jobs import (
    MemoryConsistencyQueries,
    MemoryDeliveryLog,
    MemoryFailedTaskRepository,
    MemoryOutboxRepository,
)
from leadsmanager.adapters.memory.leads import MemoryLeadRepository
from leadsmanager.adapters.memory.pipeline import MemoryPipelineRepository
from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.adapters.memory.sync_cursors import MemorySyncCursorRepository
from leadsmanager.application.ports import UnitOfWork
from leadsmanager.domain.errors import Conflict, TransientConflict
from leadsmanager.domain.lead import HistoryEntry, Lead


class MemoryUnitOfWork(UnitOfWork):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def __enter__(self) -> MemoryUnitOfWork:
        with self._store.lock:
            self.leads = MemoryLeadRepository(self._store)
            self.users = MemoryUserRepository(self._store)
            self.sessions = MemorySessionRepository(self._store)
            self.api_keys = MemoryApiKeyRepository(self._store)
            self.idempotency = MemoryIdempotencyRepository(self._store)
            self.key_notices = MemoryKeyNoticeRepository(self._store.key_notices)
            self.sync_cursors = MemorySyncCursorRepository(self._store.sync_cursors)
            self.failed_submissions = MemoryFailedSubmissionRepository(self._store.failed_submissions)
            self.imports = MemoryFileImportRepository(self._store.file_imports)
            self.jobs_pending: list[Callable[[], None]] = []
            jobs, leads = self._store.jobs, lambda: self._store.leads
            self.outbox = MemoryOutboxRepository(jobs, self.jobs_pending)
            start = lambda: self._store.pipeline.pipeline.start  # noqa: E731
            self.deliveries = MemoryDeliveryLog(jobs, leads, self.jobs_pending, start)
            self.failed_tasks = MemoryFailedTaskRepository(jobs, self.jobs_pending)
            self.checks = MemoryConsistencyQueries(leads, self._active, self.jobs_pending)
            self.pipeline = MemoryPipelineRepository(self._store.pipeline, leads, self.leads)
        return self

    def _active(self, user_id: int) -> bool:
        user = self._store.users.get(user_id)
        return user is not None and user.active

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        with self._store.lock:
            self._check()
            self._store.failed_submissions.commit(self.failed_submissions.saved)
            self.pipeline.commit()
            for user in [*self.users.added, *self.users.saved.values()]:
                assert user.id is not None
                self._store.users[user.id] = copy.deepcopy(user)
            for lead in [*self.leads.added, *self.leads.saved.values()]:
                self._commit_lead(lead)
            for lead in self.leads.appended.values():
                self._commit_appended(lead)
            for change in self.sessions.pending:
                change(self._store.sessions)
            self.sessions.apply_remembered()
            for key in self.api_keys.changed:
                assert key.id is not None
                self._store.api_keys[key.id] = copy.deepcopy(key)
            for record in self.idempotency.added:
                self._store.idempotency[(record.owner, record.key)] = record
            for forget in self.key_notices.pending:
                forget(self._store.key_notices)
            self._store.sync_cursors.update(self.sync_cursors.saved)
            self._store.file_imports.commit(self.imports.saved, self.imports.refused)
            for apply_job in self.jobs_pending:
                apply_job()
        self.rollback()

    def rollback(self) -> None:
        """Forget pending work; committed state lives only in the store."""
        self.leads.added, self.leads.saved, self.leads.appended = [], {}, {}
        self.users.added, self.users.saved = [], {}
        self.sessions.pending, self.sessions.remembered = [], []
        self.api_keys.changed = []
        self.idempotency.added = []
        self.key_notices.pending = []
        self.sync_cursors.saved = {}
        self.failed_submissions.saved = {}
        self.pipeline.replaced = None
        self.imports.saved, self.imports.refused = {}, {}
        self.jobs_pending.clear()

    def _check(self) -> None:
        store = self._store
        for lead_id in self.leads.saved:
            if store.leads[lead_id].version != self.leads.read_versions[lead_id]:
                raise Conflict(f"lead {lead_id} was changed by someone else; reload it and try again")
        for lead_id in self.leads.appended:  # as the SQL adapter's UPDATE, checked against the version read
            if store.leads[lead_id].version != self.leads.read_versions[lead_id]:
                raise TransientConflict("a lead this re-submission joins was changed at the same moment")
        self._check_joined()
        for lead in self.leads.added:
            if lead.external_id and any(
                (x.source, x.external_id) == (lead.source, lead.external_id) for x in store.leads.values()
            ):
                raise TransientConflict("this submission was already stored")
        for lead in [*self.leads.added, *self.leads.saved.values()]:
            for key in ("email", "phone"):
                value = getattr(lead, key)
                clash = [x for x in store.leads.values() if x.id != lead.id and x.is_open and getattr(x, key) == value]
                if value and lead.is_open and clash:
                    raise TransientConflict(f"another open lead has this {key}")
        if any((r.owner, r.key) in store.idempotency for r in self.idempotency.added):
            raise TransientConflict("the same request arrived twice")
        emails = {u.email for u in store.users.values()}
        if any(u.email in emails for u in self.users.added):
            raise TransientConflict("a user with this email already exists")

    def _check_joined(self) -> None:
        """As the SQL table's primary key: each submission's external id joins one lead, once."""
        for lead in [*self.leads.added, *self.leads.appended.values()]:
            if any(key in self._store.joined_ids for key in lead.joined_ids):
                raise TransientConflict("a submission joining this lead was already stored")

    def _commit_joined_ids(self, lead: Lead) -> None:
        assert lead.id is not None
        self._store.joined_ids |= {key: lead.id for key in lead.collect_joined_ids()}

    def _stored_history(self, lead: Lead) -> list[HistoryEntry]:
        """The lead's new history entries as the SQL store keeps them, handed back to the lead."""
        pending = [stored_entry(e, next(self._store.history_ids)) for e in lead.new_history()]
        lead.mark_history_saved(pending)
        return pending

    def _commit_appended(self, lead: Lead) -> None:
        assert lead.id is not None
        self._commit_joined_ids(lead)
        pending = self._stored_history(lead)
        stored = self._store.leads[lead.id]
        stored.history = [*stored.history, *pending]
        stored.updated_at = lead.updated_at
        # As the SQL adapter's UPDATE: a re-submission also moves the count and the score.
        stored.resubmissions, stored.score = lead.resubmissions, lead.score
        stored.version += 1
        lead.version = stored.version
        self._store.jobs.add_events(lead)

    def _commit_lead(self, lead: Lead) -> None:
        assert lead.id is not None
        self._commit_joined_ids(lead)
        pending = self._stored_history(lead)
        stored = self._store.leads.get(lead.id)
        if stored is not None:
            lead.version += 1
        kept = copy.deepcopy(lead)
        kept.history = [*(stored.history if stored else []), *pending]
        kept.events = []
        self._store.leads[lead.id] = kept
        self._store.jobs.add_events(lead)
