"""Is a dependency there? Quick probes of the database and Redis, for `/readyz` and `leadsmanager check`."""

from __future__ import annotations

import redis
from attrs import frozen
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from leadsmanager.adapters.sql.engine import reading

PROBE_TIMEOUT = 2.0  # seconds: a probe that waits longer than a load balancer would is no probe


@frozen
class Probe:
    """One dependency's state; `detail` is for an operator's terminal or log, never for an HTTP body."""

    name: str
    ok: bool
    detail: str


def database_probe(engine: Engine) -> Probe:
    try:
        _select_one(engine)
    except DBAPIError as e:
        if not e.connection_invalidated:
            return _unreachable(e)
        # A pooled connection the server closed (the pool does not ping): the pool has dropped it and
        # every connection made before, so the next one is fresh.
        try:
            _select_one(engine)
        except SQLAlchemyError as again:
            return _unreachable(again)
    except SQLAlchemyError as e:
        return _unreachable(e)
    return Probe("database", True, f"{engine.dialect.name} answers")


def _select_one(engine: Engine) -> None:
    with reading(engine).connect() as connection:  # on SQLite, not queued behind a writer
        connection.execute(text("SELECT 1"))


def _unreachable(error: SQLAlchemyError) -> Probe:
    cause = getattr(error, "orig", None) or error
    return Probe("database", False, f"unreachable ({type(cause).__name__}: {cause})")


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=PROBE_TIMEOUT, socket_connect_timeout=PROBE_TIMEOUT)


def redis_probe(client: redis.Redis | None) -> Probe:
    if client is None:
        return Probe("redis", True, "not configured (LEADSMANAGER_REDIS_URL is empty)")
    try:
        client.ping()
    except redis.RedisError as e:
        return Probe("redis", False, f"unreachable ({type(e).__name__}: {e})")
    return Probe("redis", True, "answers PING")


class Readiness:
    """Whether this process can serve: its database and, when configured, its Redis (the task broker)."""

    def __init__(self, engine: Engine | None, redis: redis.Redis | None) -> None:
        self._engine = engine
        self._redis = redis

    def check(self) -> tuple[Probe, ...]:
        """The database (none in the demo, which keeps everything in memory), and Redis when configured."""
        database = database_probe(self._engine) if self._engine else Probe("database", True, "in memory (demo)")
        return (database,) if self._redis is None else (database, redis_probe(self._redis))
