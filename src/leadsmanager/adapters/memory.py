"""In-memory adapters: faithful fakes for unit tests, held to the same contract as SQL."""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from types import TracebackType

from leadsmanager.adapters.event_records import stored_entry
from leadsmanager.adapters.memory_jobs import (
    JobStore,
    MemoryConsistencyQueries,
    MemoryDeliveryLog,
    MemoryFailedTaskRepository,
    MemoryOutboxRepository,
)
from leadsmanager.adapters.memory_sync_cursors import MemorySyncCursorRepository
from leadsmanager.application.ports import (
    ApiKeyRepository,
    IdempotencyRepository,
    KeyNoticeRepository,
    LeadRepository,
    RateLimiter,
    SessionRepository,
    UnitOfWork,
    UserRepository,
)
from leadsmanager.domain.api_key import ApiKey
from leadsmanager.domain.errors import Conflict, TransientConflict
from leadsmanager.domain.idempotency import IdempotencyRecord
from leadsmanager.domain.key_notice import KeyNotice
from leadsmanager.domain.lead import Channel, HistoryEntry, Lead
from leadsmanager.domain.session import WebSession
from leadsmanager.domain.sync_cursor import SyncCursor
from leadsmanager.domain.user import User


class MemoryStore:
    """Committed state shared by every unit of work, like a database; ids come from sequences."""

    def __init__(self) -> None:
        self.leads: dict[int, Lead] = {}
        self.users: dict[int, User] = {}
        self.lock = threading.Lock()
        self.lead_ids = itertools.count(1)
        self.user_ids = itertools.count(1)
        self.history_ids = itertools.count(1)
        self.sessions: dict[str, WebSession] = {}
        self.api_keys: dict[int, ApiKey] = {}
        self.idempotency: dict[tuple[str, str], IdempotencyRecord] = {}
        self.key_notices: dict[str, KeyNotice] = {}
        self.api_key_ids = itertools.count(1)
        self.sync_cursors: dict[tuple[str, str], SyncCursor] = {}
        self.jobs = JobStore()
        # The external ids of submissions that joined an open lead: the lead's id by (source, external id).
        self.joined_ids: dict[tuple[Channel, str], int] = {}
        # When each user last signed in from each address.
        self.sign_in_addresses: dict[tuple[int, str], datetime] = {}


class MemoryLeadRepository(LeadRepository):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._committed = copy.deepcopy(store.leads)
        self.added: list[Lead] = []
        self.saved: dict[int, Lead] = {}
        self.appended: dict[int, Lead] = {}
        self.read_versions: dict[int, int] = {}

    def add(self, lead: Lead) -> None:
        with self._store.lock:
            lead.id = next(self._store.lead_ids)
        lead.version = 1
        self.added.append(lead)

    def get(self, lead_id: int, *, with_history: bool = False) -> Lead | None:
        lead = self._committed.get(lead_id)
        if lead is None:
            return None
        if not with_history:
            lead.history = []
        self.read_versions.setdefault(lead_id, lead.version)
        return lead

    def save(self, lead: Lead) -> None:
        assert lead.id is not None
        if lead not in self.added:
            self.saved[lead.id] = lead

    def append_history(self, lead: Lead) -> None:
        assert lead.id is not None
        self.appended[lead.id] = lead

    def append_history_of(self, leads: Sequence[Lead]) -> None:
        for lead in leads:
            self.append_history(lead)

    def find_by_external_id(self, source: Channel, external_id: str) -> Lead | None:
        found = self.find_by_external_ids(source, [external_id])
        return self.get(found[external_id]) if found else None

    def find_open_by_contact(self, email: str | None, phone: str | None) -> Lead | None:
        for key, value in (("email", email), ("phone", phone)):
            found = [x for x in self._visible() if value and x.is_open and getattr(x, key) == value]
            if found and found[0].id:
                return self.get(found[0].id)
        return None

    def add_or_find_open(self, lead: Lead) -> Lead | None:
        found = self.find_open_by_contact(lead.email, lead.phone) if lead.is_open else None
        if found is None:
            self.add(lead)
        return found

    def add_many(self, leads: Sequence[Lead]) -> None:
        for lead in leads:
            self.add(lead)

    def find_by_external_ids(self, source: Channel, external_ids: Collection[str]) -> dict[str, int]:
        wanted = set(external_ids)
        found = [x for x in self._visible() if x.source == source and x.external_id in wanted]
        joined = {key: lead_id for key, lead_id in self._joined().items() if key[0] == source and key[1] in wanted}
        own = {x.external_id: x.id for x in found if x.external_id is not None and x.id is not None}
        return {external_id: lead_id for (_, external_id), lead_id in joined.items()} | own

    def _joined(self) -> dict[tuple[Channel, str], int]:
        """Stored, and joined in this unit of work (not written until commit, as SQL writes them at once)."""
        pending = [*self.added, *self.appended.values()]
        return self._store.joined_ids | {key: x.id for x in pending if x.id is not None for key in x.joined_ids}

    def find_open_by_contacts(self, emails: Collection[str], phones: Collection[str]) -> list[Lead]:
        emails, phones = set(emails), set(phones)
        found = [x for x in self._visible() if x.is_open and (x.email in emails or x.phone in phones)]
        return [lead for x in found if x.id is not None and (lead := self.get(x.id)) is not None]

    def _visible(self) -> list[Lead]:
        return sorted([*self._committed.values(), *self.added], key=lambda x: x.id or 0)


class MemoryUserRepository(UserRepository):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.users: dict[int, User] = copy.deepcopy(store.users)
        self.added: list[User] = []
        self.saved: dict[int, User] = {}

    def add(self, user: User) -> None:
        with self._store.lock:
            user.id = next(self._store.user_ids)
        self.added.append(user)

    def get(self, user_id: int) -> User | None:
        return self.users.get(user_id)

    def get_by_email(self, email: str) -> User | None:
        return next((u for u in self.users.values() if u.email == email), None)

    def list(self) -> list[User]:
        return sorted(self.users.values(), key=lambda u: u.id or 0)

    def names(self, user_ids: set[int]) -> dict[int, str]:
        return {i: self.users[i].full_name for i in user_ids if i in self.users}

    def save(self, user: User) -> None:
        assert user.id is not None
        self.saved[user.id] = user


class MemorySessionRepository(SessionRepository):
    """Reads see committed sessions; changes wait in `pending` until commit."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.pending: list[Callable[[dict[str, WebSession]], None]] = []
        self.remembered: list[tuple[int, str, datetime, datetime]] = []

    def add(self, session: WebSession) -> None:
        self.pending.append(lambda sessions: sessions.__setitem__(session.key, copy.deepcopy(session)))

    def get(self, key: str) -> WebSession | None:
        return copy.deepcopy(self._store.sessions.get(key))

    def touch(self, key: str, at: datetime) -> None:
        def apply(sessions: dict[str, WebSession]) -> None:
            if key in sessions:
                sessions[key].last_seen_at = at

        self.pending.append(apply)

    def remove(self, key: str) -> None:
        def apply(sessions: dict[str, WebSession]) -> None:
            sessions.pop(key, None)

        self.pending.append(apply)

    def remove_for_user(self, user_id: int) -> None:
        def apply(sessions: dict[str, WebSession]) -> None:
            for key in [k for k, v in sessions.items() if v.user_id == user_id]:
                del sessions[key]

        self.pending.append(apply)

    def remember_address(self, user_id: int, address: str, *, at: datetime, forget_before: datetime) -> None:
        self.remembered.append((user_id, address, at, forget_before))

    def knows_address(self, user_id: int, address: str, *, since: datetime) -> bool:
        last = self._store.sign_in_addresses.get((user_id, address))
        return last is not None and last >= since

    def apply_remembered(self) -> None:
        known = self._store.sign_in_addresses
        for user_id, address, at, forget_before in self.remembered:
            for stale in [k for k, last in known.items() if k[0] == user_id and last < forget_before]:
                del known[stale]
            known[(user_id, address)] = at


class MemoryApiKeyRepository(ApiKeyRepository):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.keys = copy.deepcopy(store.api_keys)
        self.changed: list[ApiKey] = []

    def add(self, key: ApiKey) -> None:
        with self._store.lock:
            key.id = next(self._store.api_key_ids)
        self.changed.append(key)

    def get(self, key_id: int) -> ApiKey | None:
        return self.keys.get(key_id)

    def get_by_prefix(self, prefix: str) -> ApiKey | None:
        return next((k for k in self.keys.values() if k.prefix == prefix), None)

    def list(self) -> list[ApiKey]:
        return sorted(self.keys.values(), key=lambda k: k.id or 0)

    def save(self, key: ApiKey) -> None:
        self.changed.append(key)


class MemoryKeyNoticeRepository(KeyNoticeRepository):
    """Reads see committed notices; changes wait in `pending` until commit."""

    def __init__(self, notices: dict[str, KeyNotice]) -> None:
        self._notices = notices
        self.pending: list[Callable[[dict[str, KeyNotice]], None]] = []

    def add(self, notice: KeyNotice) -> None:
        self.pending.append(lambda notices: notices.__setitem__(notice.key, notice))

    def take(self, key: str) -> KeyNotice | None:
        def forget(notices: dict[str, KeyNotice]) -> None:
            notices.pop(key, None)

        self.pending.append(forget)
        return self._notices.get(key)

    def prune(self, now: datetime) -> None:
        def forget_expired(notices: dict[str, KeyNotice]) -> None:
            for key in [k for k, n in notices.items() if n.expires_at <= now]:
                del notices[key]

        self.pending.append(forget_expired)


class MemoryIdempotencyRepository(IdempotencyRepository):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.added: list[IdempotencyRecord] = []

    def get(self, owner: str, key: str) -> IdempotencyRecord | None:
        return self._store.idempotency.get((owner, key))

    def add(self, record: IdempotencyRecord) -> None:
        self.added.append(record)


class MemoryRateLimiter(RateLimiter):
    """A window opens at a key's first hit; keys whose windows have passed are dropped at the next hit."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[datetime, int]] = {}  # key: (window's end, hits)
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        with self._lock:
            self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
            ends, hits = self._windows.get(key, (now + window, 0))
            self._windows[key] = (ends, hits + 1)
            return hits + 1 <= limit

    def allows(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        with self._lock:
            return self._current(key, now) < limit

    def forgive(self, key: str, *, window: timedelta, now: datetime) -> None:
        with self._lock:
            if self._current(key, now):
                ends, hits = self._windows[key]
                self._windows[key] = (ends, hits - 1)

    def clear(self, key: str, *, window: timedelta, now: datetime) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def keys(self) -> set[str]:
        """The keys it keeps counts of (passed windows must not pile up)."""
        with self._lock:
            return set(self._windows)

    def _current(self, key: str, now: datetime) -> int:
        ends, hits = self._windows.get(key, (now, 0))
        return hits if ends > now else 0


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
            self.jobs_pending: list[Callable[[], None]] = []
            jobs, leads = self._store.jobs, lambda: self._store.leads
            self.outbox = MemoryOutboxRepository(jobs, self.jobs_pending)
            self.deliveries = MemoryDeliveryLog(jobs, leads, self.jobs_pending)
            self.failed_tasks = MemoryFailedTaskRepository(jobs, self.jobs_pending)
            self.checks = MemoryConsistencyQueries(leads, self._active, self.jobs_pending)
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
