"""API keys and idempotency records in the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Row, delete, insert, select, update
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.column_types import storable
from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import api_keys, idempotency_keys, key_notices
from leadsmanager.application.ports import ApiKeyRepository, IdempotencyRepository, KeyNoticeRepository
from leadsmanager.domain.api_key import ApiKey, Scope
from leadsmanager.domain.idempotency import IdempotencyRecord
from leadsmanager.domain.key_notice import KeyNotice


class SqlApiKeyRepository(ApiKeyRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, key: ApiKey) -> None:
        result = run(self._session, insert(api_keys).values(**_values(key)), on_duplicate="that key prefix exists")
        key.id = int(result.inserted_primary_key[0])

    def get(self, key_id: int) -> ApiKey | None:
        return self._one(api_keys.c.id == key_id) if storable(key_id) else None

    def get_by_prefix(self, prefix: str) -> ApiKey | None:
        return self._one(api_keys.c.prefix == prefix)

    def list(self) -> list[ApiKey]:
        return [_to_key(r) for r in run(self._session, select(api_keys).order_by(api_keys.c.id))]

    def save(self, key: ApiKey) -> None:
        run(self._session, update(api_keys).where(api_keys.c.id == key.id).values(**_values(key)))

    def _one(self, condition: Any) -> ApiKey | None:
        row = run(self._session, select(api_keys).where(condition)).first()
        return None if row is None else _to_key(row)


def _values(key: ApiKey) -> dict[str, Any]:
    return {
        "name": key.name,
        "prefix": key.prefix,
        "key_hash": key.key_hash,
        "scopes": " ".join(sorted(s.value for s in key.scopes)),
        "created_at": key.created_at,
        "revoked_at": key.revoked_at,
    }


def _to_key(row: Row[Any]) -> ApiKey:
    m = row._mapping
    scopes = frozenset(Scope(s) for s in m["scopes"].split())
    return ApiKey(m["name"], m["prefix"], m["key_hash"], scopes, m["created_at"], m["revoked_at"], id=m["id"])


class SqlIdempotencyRepository(IdempotencyRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, owner: str, key: str) -> IdempotencyRecord | None:
        c = idempotency_keys.c
        row = run(self._session, select(idempotency_keys).where(c.owner == owner, c.key == key)).first()
        return None if row is None else IdempotencyRecord(**row._mapping)

    def add(self, record: IdempotencyRecord) -> None:
        values = {
            "owner": record.owner,
            "key": record.key,
            "fingerprint": record.fingerprint,
            "lead_id": record.lead_id,
            "created_at": record.created_at,
        }
        run(self._session, insert(idempotency_keys).values(**values), on_duplicate="the same request arrived twice")


class SqlKeyNoticeRepository(KeyNoticeRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, notice: KeyNotice) -> None:
        values = {f: getattr(notice, f) for f in ("key", "user_id", "name", "masked", "expires_at")}
        run(self._session, insert(key_notices).values(**values), on_duplicate="that notice exists")

    def take(self, key: str) -> KeyNotice | None:
        row = run(self._session, select(key_notices).where(key_notices.c.key == key)).first()
        if row is None:
            return None
        gone = cast(CursorResult[Any], run(self._session, delete(key_notices).where(key_notices.c.key == key)))
        return KeyNotice(**row._mapping) if gone.rowcount == 1 else None

    def prune(self, now: datetime) -> None:
        run(self._session, delete(key_notices).where(key_notices.c.expires_at <= now))
