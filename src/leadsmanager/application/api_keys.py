"""Creating, listing, revoking and checking API keys. A key is shown once and stored hashed."""

from __future__ import annotations

import hashlib
import hmac
import threading
from datetime import datetime, timedelta

from leadsmanager.application.intake.normalisation import clean_text
from leadsmanager.application.ports import Clock, TokenGenerator, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import ApiKey, Scope
from leadsmanager.domain.errors import AuthenticationFailed, NotFound, PermissionDenied, ValidationError
from leadsmanager.domain.roles import Permission

KEY_MARK = "lm"
# How long a process trusts a key it read, instead of reading it again on every request. A key revoked
# in one process stops working there at once, and in every other process within this time.
KEY_CACHE_TTL = timedelta(seconds=5)


def key_hash(secret: str) -> str:
    # The secret is 256 random bits: a fast hash is enough, unlike a password.
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(values: list[str]) -> frozenset[Scope]:
    try:
        scopes = frozenset(Scope(v.strip()) for v in values if v.strip())
    except ValueError:
        allowed = ", ".join(s.value for s in Scope)
        raise ValidationError(f"unknown scope; use: {allowed}", {"scopes": "unknown scope"}) from None
    if not scopes:
        raise ValidationError("give the key at least one scope", {"scopes": "choose a scope"})
    return scopes


class RecentKeys:
    """Keys read from storage in the last `ttl`, by prefix; only keys that exist are kept."""

    def __init__(self, ttl: timedelta, *, limit: int = 1000) -> None:
        self._ttl = ttl
        self._limit = limit
        self._keys: dict[str, tuple[ApiKey, datetime]] = {}
        self.forgotten = 0  # how many keys were forgotten so far
        self._lock = threading.Lock()  # request threads read and keep keys while one revokes

    def get(self, prefix: str, now: datetime) -> ApiKey | None:
        found = self._keys.get(prefix)
        if found is None or not timedelta(0) <= now - found[1] < self._ttl:
            return None
        return found[0]

    def keep(self, key: ApiKey, now: datetime, *, forgotten_before: int) -> None:
        """Keep a key read when `forgotten` was `forgotten_before`, unless a revocation came in between."""
        with self._lock:
            if forgotten_before != self.forgotten:
                return
            if len(self._keys) >= self._limit:
                self._keys.clear()  # a crude bound: there are few keys, and a miss only costs one query
            self._keys[key.prefix] = (key, now)

    def forget(self, prefix: str) -> None:
        with self._lock:
            self.forgotten += 1
            self._keys.pop(prefix, None)


class ApiKeys:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, tokens: TokenGenerator, *, cache_ttl: timedelta = KEY_CACHE_TTL
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._tokens = tokens
        self._recent = RecentKeys(cache_ttl)

    def create(self, name: str, scopes: frozenset[Scope], *, by: Actor) -> tuple[ApiKey, str]:
        """The new key and its full text, which is never shown again."""
        _require_admin(by)
        label = clean_text(name, max_length=100, field="name")
        if not label:
            raise ValidationError("name the integration this key is for", {"name": "enter a name"})
        prefix = self._tokens.token()[:8].replace("-", "x").replace("_", "x")
        secret = self._tokens.token()
        key = ApiKey(label, prefix, key_hash(secret), scopes, self._clock.now())
        in_transaction(self._uow, lambda uow: uow.api_keys.add(key))
        return key, f"{KEY_MARK}_{prefix}_{secret}"

    def list(self, *, by: Actor) -> list[ApiKey]:
        _require_admin(by)
        with self._uow() as uow:
            return uow.api_keys.list()

    def revoke(self, key_id: int, *, by: Actor) -> ApiKey:
        _require_admin(by)

        def revoke(uow: UnitOfWork) -> ApiKey:
            key = uow.api_keys.get(key_id)
            if key is None:
                raise NotFound(f"API key {key_id} was not found")
            key.revoke(self._clock.now())
            uow.api_keys.save(key)
            return key

        key = in_transaction(self._uow, revoke)
        self._recent.forget(key.prefix)
        return key

    def authenticate(self, presented: str) -> ApiKey:
        mark, _, rest = presented.strip().partition("_")
        prefix, _, secret = rest.partition("_")
        if mark != KEY_MARK or not prefix or not secret:
            raise AuthenticationFailed("the API key is not valid")
        key = self._stored(prefix)
        if key is None or not hmac.compare_digest(key.key_hash, key_hash(secret)) or not key.active:
            raise AuthenticationFailed("the API key is not valid")
        return key

    def _stored(self, prefix: str) -> ApiKey | None:
        now = self._clock.now()
        key = self._recent.get(prefix, now)
        if key is None:
            forgotten = self._recent.forgotten
            with self._uow() as uow:
                key = uow.api_keys.get_by_prefix(prefix)
            if key is not None:
                self._recent.keep(key, now, forgotten_before=forgotten)
        return key


def _require_admin(actor: Actor) -> None:
    if not actor.can(Permission.MANAGE_USERS):
        raise PermissionDenied("only admins manage API keys")
