"""Web sessions and rate-limit counters in the database, so every web process sees the same."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, exc, insert, select, update
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run, translate
from leadsmanager.adapters.sql.tables import rate_limits, web_sessions
from leadsmanager.application.ports import RateLimiter, SessionRepository
from leadsmanager.domain.errors import StorageError, TransientConflict
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


class SqlRateLimiter(RateLimiter):
    """Fixed windows counted with atomic UPDATEs, each hit in its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        # The first hits of a new key, arriving together, race to insert its row: their gap locks
        # deadlock, MariaDB rolls back all but one, and a loser that retries before the winner has
        # inserted can deadlock again. Eight clients at once lost three rounds in a row now and then
        # (answered 429); every round stores the row for one of them, so a few more rounds do.
        for _ in range(8):
            try:
                return self._hit(key, now - window, now) <= limit
            except TransientConflict:
                continue  # first hits raced on the insert; the row exists now or soon
            except exc.DBAPIError as e:  # the commit failed
                raise translate(e) from e
        # Still colliding (a database coming back rolls back what it was doing): that is not the
        # caller's fault, so not a 429 either.
        raise StorageError("the database was too busy to count this request against its rate limit; try again")

    def _hit(self, key: str, window_opened_after: datetime, now: datetime) -> int:
        c = rate_limits.c
        # A session of the engine's own, so that its first statement is retried on a pooled connection
        # the server has closed (errors.run).
        with Session(self._engine) as session:
            counted = _rows(
                run(
                    session,
                    update(rate_limits)
                    .where(c.key == key, c.window_start > window_opened_after)
                    .values(hits=c.hits + 1),
                )
            )
            if not counted:
                fresh = update(rate_limits).where(c.key == key).values(hits=1, window_start=now)
                if not _rows(run(session, fresh)):
                    run(session, insert(rate_limits).values(key=key, window_start=now, hits=1))
            hits = int(run(session, select(c.hits).where(c.key == key)).scalar_one())
            session.commit()
            return hits

    def clear(self, key: str) -> None:
        try:
            with self._engine.begin() as connection:
                connection.execute(delete(rate_limits).where(rate_limits.c.key == key))
        except exc.DBAPIError as e:
            raise translate(e) from e


def _rows(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount
