"""Web sessions in the database, so every web process sees the same, and where each user signed in from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import sign_in_addresses, web_sessions
from leadsmanager.application.ports import SessionRepository
from leadsmanager.domain.session import WebSession


class SqlSessionRepository(SessionRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, session: WebSession) -> None:
        values = {
            "key": session.key,
            "user_id": session.user_id,
            "user_session_version": session.user_session_version,
            "csrf_token": session.csrf_token,
            "created_at": session.created_at,
            "last_seen_at": session.last_seen_at,
        }
        run(self._session, insert(web_sessions).values(**values))

    def get(self, key: str) -> WebSession | None:
        row = run(self._session, select(web_sessions).where(web_sessions.c.key == key)).first()
        return None if row is None else WebSession(**row._mapping)

    def touch(self, key: str, at: datetime) -> None:
        run(self._session, update(web_sessions).where(web_sessions.c.key == key).values(last_seen_at=at))

    def remove(self, key: str) -> None:
        run(self._session, delete(web_sessions).where(web_sessions.c.key == key))

    def remove_for_user(self, user_id: int) -> None:
        run(self._session, delete(web_sessions).where(web_sessions.c.user_id == user_id))

    def remember_address(self, user_id: int, address: str, *, at: datetime, forget_before: datetime) -> None:
        a = sign_in_addresses.c
        run(self._session, delete(sign_in_addresses).where(a.user_id == user_id, a.last_signed_in_at < forget_before))
        values = {"user_id": user_id, "address": address, "last_signed_in_at": at}
        if self._session.get_bind().dialect.name in ("mysql", "mariadb"):
            mine = mysql_insert(sign_in_addresses).values(values)
            run(self._session, mine.on_duplicate_key_update(last_signed_in_at=mine.inserted.last_signed_in_at))
        else:
            lite = sqlite_insert(sign_in_addresses).values(values)
            keys = [a.user_id, a.address]
            run(self._session, lite.on_conflict_do_update(index_elements=keys, set_={"last_signed_in_at": at}))

    def knows_address(self, user_id: int, address: str, *, since: datetime) -> bool:
        a = sign_in_addresses.c
        known = select(a.user_id).where(a.user_id == user_id, a.address == address, a.last_signed_in_at >= since)
        return run(self._session, known).first() is not None
