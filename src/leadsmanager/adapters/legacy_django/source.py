"""Reads the original system through SQLAlchemy Core, in id order, in a read-only session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from typing import Any

import sqlalchemy as sa

from leadsmanager.adapters.legacy_django.tables import customuser
from leadsmanager.application.legacy import LegacySource, LegacyUser
from leadsmanager.domain.errors import ExternalServiceError


class DjangoLegacySource(LegacySource):
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    @classmethod
    def from_url(cls, url: str) -> DjangoLegacySource:
        try:
            engine = sa.create_engine(url, pool_pre_ping=True)
        except (sa.exc.ArgumentError, ImportError) as e:
            raise ExternalServiceError(f"cannot read the legacy database URL: {e}") from None
        if engine.dialect.name in ("mysql", "mariadb"):
            sa.event.listen(engine, "connect", _read_only)
        return cls(engine)

    def users(self) -> Iterator[LegacyUser]:
        for row in self._rows(sa.select(customuser).order_by(customuser.c.id)):
            yield LegacyUser(
                id=row["id"],
                username=row["username"] or "",
                first_name=row["first_name"] or "",
                last_name=row["last_name"] or "",
                email=row["email"] or "",
                mail=row["mail"] or "",
                role=row["role"] or "",
                is_active=bool(row["is_active"]),
                password=row["password"] or "",
                date_joined=_utc(row["date_joined"]),
            )

    def _rows(self, query: sa.Select[Any]) -> Iterator[dict[str, Any]]:
        try:
            with self._engine.connect() as connection:
                for row in connection.execute(query).mappings():
                    yield dict(row)
        except sa.exc.SQLAlchemyError as e:
            raise ExternalServiceError(f"reading the legacy database failed: {str(e).splitlines()[0]}") from None


def _read_only(connection: Any, _record: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION TRANSACTION READ ONLY")


def _utc(value: Any) -> Any:
    """Django stores UTC (USE_TZ) as naive datetimes in MySQL."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
