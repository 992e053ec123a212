"""Reads the original system through SQLAlchemy Core, in id order, in a read-only session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from typing import Any

import sqlalchemy as sa

from leadsmanager.adapters.legacy_django.tables import campaign, customuser, formsubmission, leadhistory
from leadsmanager.application.legacy import LegacySource, LegacyUser
from leadsmanager.application.legacy.records import LegacyCampaign, LegacyStatusChange, LegacySubmission
from leadsmanager.domain.errors import ExternalServiceError

BATCH = 1000


class DjangoLegacySource(LegacySource):
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    @classmethod
    def from_url(cls, url: str) -> DjangoLegacySource:
        try:
            engine = sa.create_engine(url, pool_pre_ping=True)
        except (sa.exc.ArgumentError, ImportError, ValueError):
            # The library's message repeats the URL, password included: it is not passed on.
            message = "cannot read the legacy database URL: write it as mysql+pymysql://user:password@host/db"
            raise ExternalServiceError(message) from None
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

    def campaigns(self) -> Iterator[LegacyCampaign]:
        for row in self._rows(sa.select(campaign).order_by(campaign.c.id)):
            yield LegacyCampaign(row["id"], _text(row["name"]))

    def submissions(self, *, after_id: int = 0) -> Iterator[LegacySubmission]:
        s = formsubmission.c
        while True:
            query = sa.select(formsubmission).where(s.id > after_id).order_by(s.id).limit(BATCH)
            rows = list(self._rows(query))
            yield from (_submission(row) for row in rows)
            if len(rows) < BATCH:
                return
            after_id = rows[-1]["id"]

    def history(self, *, after_id: int = 0) -> Iterator[LegacyStatusChange]:
        h = leadhistory.c
        query = sa.select(leadhistory).where(h.lead_id > after_id).order_by(h.lead_id, h.timestamp, h.id)
        for row in self._rows(query, stream=True):
            yield LegacyStatusChange(
                row["id"],
                row["lead_id"],
                _text(row["previous_status"]),
                _text(row["new_status"]),
                row["updated_by_id"],
                _utc(row["timestamp"]),
            )

    def _rows(self, query: sa.Select[Any], *, stream: bool = False) -> Iterator[dict[str, Any]]:
        try:
            # stream: a server-side cursor, so the rows are not all held in memory at once
            options = {"stream_results": True, "yield_per": BATCH} if stream else {}
            with self._engine.connect().execution_options(**options) as connection:
                for row in connection.execute(query).mappings():
                    yield dict(row)
        except sa.exc.SQLAlchemyError as e:
            raise ExternalServiceError(f"reading the legacy database failed: {str(e).splitlines()[0]}") from None


def _submission(row: dict[str, Any]) -> LegacySubmission:
    return LegacySubmission(
        id=row["id"],
        submission_id=row["submission_id"],
        form_id=row["form_id"],
        created_at=_utc(row["fecha_creacion"]),
        company=_text(row["razon_social"]) or _text(row["empresa"]),
        name=_text(row["nombre_y_apellido"]),
        email=_text(row["mail"]),
        phone=_text(row["telefono"]),
        service=_text(row["servicio"]),
        message=_text(row["mensaje"]),
        origin=_text(row["origen"]),
        sub_origin=_text(row["sub_origen"]),
        progress=_text(row["avance"]),
        status=_text(row["estado"]),
        assigned_user_id=row["assigned_user_id"],
        management_message=_text(row["management_message"]),
        campaign_id=row["campaign_id"],
        data=_text(row["data"]),
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _read_only(connection: Any, _record: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION TRANSACTION READ ONLY")


def _utc(value: Any) -> Any:
    """Django stores UTC (USE_TZ) as naive datetimes in MySQL."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
