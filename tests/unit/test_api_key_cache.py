"""API keys are read once every few seconds per process, yet a revoked key stops working in bounded time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import cast

import pytest

from leadsmanager.adapters.system import SecretTokens
from leadsmanager.application.api_keys import KEY_CACHE_TTL, ApiKeys
from leadsmanager.application.ports import UnitOfWork
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import ApiKey, Scope
from leadsmanager.domain.errors import AuthenticationFailed
from tests.conftest import UowFactory
from tests.support import FakeClock

ADMIN = Actor.system()
TICK = timedelta(milliseconds=10)  # the fake clock moves this much on every reading


class CountingUow:
    """Counts how often API keys are looked up in storage."""

    def __init__(self, inner: UowFactory) -> None:
        self.inner = inner
        self.lookups = 0

    def __call__(self) -> UnitOfWork:
        self.lookups += 1
        return self.inner()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(step=TICK)


def make_key(keys: ApiKeys) -> tuple[ApiKey, str]:
    return keys.create("crm", frozenset({Scope.LEADS_READ}), by=ADMIN)


def test_a_busy_key_is_read_from_storage_once_per_cache_period(memory_uow: UowFactory, clock: FakeClock) -> None:
    counting = CountingUow(memory_uow)
    keys = ApiKeys(counting, clock, SecretTokens())
    key, secret = make_key(keys)
    before = counting.lookups
    for _ in range(20):
        assert keys.authenticate(secret).id == key.id
    assert counting.lookups - before == 1
    clock.current += KEY_CACHE_TTL
    keys.authenticate(secret)
    assert counting.lookups - before == 2


def test_a_key_revoked_in_this_process_stops_working_at_once(uow_factory: UowFactory, clock: FakeClock) -> None:
    keys = ApiKeys(uow_factory, clock, SecretTokens())
    key, secret = make_key(keys)
    keys.authenticate(secret)
    keys.revoke(key.id or 0, by=ADMIN)
    with pytest.raises(AuthenticationFailed):
        keys.authenticate(secret)


def test_a_key_revoked_by_another_process_stops_working_within_the_cache_period(
    uow_factory: UowFactory, clock: FakeClock
) -> None:
    web, cli = ApiKeys(uow_factory, clock, SecretTokens()), ApiKeys(uow_factory, clock, SecretTokens())
    key, secret = make_key(cli)
    web.authenticate(secret)
    cli.revoke(key.id or 0, by=ADMIN)
    web.authenticate(secret)  # still trusted from the last read, for at most KEY_CACHE_TTL
    clock.current += KEY_CACHE_TTL
    with pytest.raises(AuthenticationFailed):
        web.authenticate(secret)


def test_a_cached_key_still_needs_its_secret(memory_uow: UowFactory, clock: FakeClock) -> None:
    keys = ApiKeys(memory_uow, clock, SecretTokens())
    _, secret = make_key(keys)
    keys.authenticate(secret)
    with pytest.raises(AuthenticationFailed):
        keys.authenticate(secret[:-4] + "AAAA")


def nothing() -> None:
    pass


class RevokingWhileRead:
    """A unit of work during which the key is revoked by another request of the same process."""

    def __init__(self, inner: UowFactory) -> None:
        self.inner = inner
        self.revoke: Callable[[], object] = nothing

    def __call__(self) -> UnitOfWork:
        return cast(UnitOfWork, _After(self.inner(), self))


class _After:
    def __init__(self, uow: UnitOfWork, hook: RevokingWhileRead) -> None:
        self._uow = uow
        self._hook = hook

    def __enter__(self) -> UnitOfWork:
        return self._uow.__enter__()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._uow.__exit__(exc_type, exc, tb)
        revoke, self._hook.revoke = self._hook.revoke, nothing
        revoke()


def test_a_key_revoked_while_it_was_being_read_is_not_kept(memory_uow: UowFactory, clock: FakeClock) -> None:
    hooked = RevokingWhileRead(memory_uow)
    keys = ApiKeys(hooked, clock, SecretTokens())
    key, secret = make_key(ApiKeys(memory_uow, clock, SecretTokens()))
    hooked.revoke = lambda: keys.revoke(key.id or 0, by=ADMIN)
    keys.authenticate(secret)  # read before the revocation committed: this one request passes
    with pytest.raises(AuthenticationFailed):
        keys.authenticate(secret)
