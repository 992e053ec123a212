"""Rate-limit counters in the database, so every web process sees the same."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Executable, delete, exc, insert, select, update
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run, translate
from leadsmanager.adapters.sql.tables import rate_limits
from leadsmanager.application.ports import RateLimiter
from leadsmanager.domain.errors import StorageError, TransientConflict

log = logging.getLogger(__name__)
c = rate_limits.c


class SqlRateLimiter(RateLimiter):
    """Fixed windows counted with atomic UPDATEs, each hit in its own short transaction. A window opens
    at its key's first hit and its row says when it ends; rows whose windows have ended are deleted
    when a window opens, at most once every `prune_every`, so addresses seen once do not pile up."""

    def __init__(self, engine: Engine, *, prune_every: timedelta = timedelta(minutes=1)) -> None:
        self._engine = engine
        self._prune_every = prune_every
        self._pruned_at: datetime | None = None
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        # The first hits of a new key, arriving together, race to insert its row: their gap locks
        # deadlock, MariaDB rolls back all but one, and a loser that retries before the winner has
        # inserted can deadlock again. Eight clients at once lost three rounds in a row now and then
        # (answered 429); every round stores the row for one of them, so a few more rounds do.
        for _ in range(8):
            try:
                hits, opened = self._hit(key, window, now)
            except TransientConflict:
                continue  # first hits raced on the insert; the row exists now or soon
            except exc.DBAPIError as e:  # the commit failed
                raise translate(e) from e
            if opened:
                self._prune(now)
            return hits <= limit
        # Still colliding (a database coming back rolls back what it was doing): that is not the
        # caller's fault, so not a 429 either.
        raise StorageError("the database was too busy to count this request against its rate limit; try again")

    def allows(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        counted = select(c.hits).where(c.key == key, c.expires_at > now)
        try:
            with Session(self._engine) as session:
                hits = run(session, counted).scalar_one_or_none()
        except exc.DBAPIError as e:  # closing, on a connection the server dropped meanwhile
            raise translate(e) from e
        return (hits or 0) < limit

    def forgive(self, key: str, *, window: timedelta, now: datetime) -> None:
        self._write(update(rate_limits).where(c.key == key, c.expires_at > now, c.hits > 0).values(hits=c.hits - 1))

    def clear(self, key: str, *, window: timedelta, now: datetime) -> None:
        self._write(delete(rate_limits).where(c.key == key))

    def _hit(self, key: str, window: timedelta, now: datetime) -> tuple[int, bool]:
        # A session of the engine's own, so that its first statement is retried on a pooled connection
        # the server has closed (errors.run).
        with Session(self._engine) as session:
            counted = update(rate_limits).where(c.key == key, c.expires_at > now).values(hits=c.hits + 1)
            opened = not _rows(run(session, counted))
            if opened:
                fresh = update(rate_limits).where(c.key == key).values(hits=1, expires_at=now + window)
                if not _rows(run(session, fresh)):
                    run(session, insert(rate_limits).values(key=key, hits=1, expires_at=now + window))
            hits = int(run(session, select(c.hits).where(c.key == key)).scalar_one())
            session.commit()
            return hits, opened

    def _prune(self, now: datetime) -> None:
        with self._lock:
            if self._pruned_at is not None and now - self._pruned_at < self._prune_every:
                return
            self._pruned_at = now
        try:
            self._write(delete(rate_limits).where(c.expires_at <= now))
        except (StorageError, TransientConflict) as e:  # the rows stay until the next prune
            log.info("expired rate-limit rows not pruned: %s", e)

    def _write(self, statement: Executable) -> None:
        try:
            with Session(self._engine) as session:
                run(session, statement)
                session.commit()
        except exc.DBAPIError as e:  # the commit, or closing on a connection the server dropped
            raise translate(e) from e


def _rows(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount
