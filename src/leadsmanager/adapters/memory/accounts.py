"""In-memory users, web sessions, API keys, key notices and idempotency records."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime

from leadsmanager.adapters.memory.store import MemoryStore
from leadsmanager.application.ports import (
    ApiKeyRepository,
    IdempotencyRepository,
    KeyNoticeRepository,
    SessionRepository,
    UserRepository,
)
from leadsmanager.domain.api_key import ApiKey
from leadsmanager.domain.idempotency import IdempotencyRecord
from leadsmanager.domain.key_notice import KeyNotice
from leadsmanager.domain.session import WebSession
from leadsmanager.domain.user import User


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
