"""One contract for rate limiting, held by the in-memory counter, the database and Redis."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, select

from leadsmanager.adapters.memory.rate_limits import MemoryRateLimiter
from leadsmanager.adapters.redis_rate import PREFIX, RedisRateLimiter
from leadsmanager.adapters.sql.engine import make_engine
from leadsmanager.adapters.sql.rate_limits import SqlRateLimiter
from leadsmanager.adapters.sql.tables import rate_limits
from leadsmanager.application.ports import RateLimiter
from leadsmanager.domain.errors import StorageError
from tests.conftest import service_missing
from tests.processes import free_port
from tests.support import START

REDIS_URL = os.environ.get("LEADSMANAGER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WINDOW = timedelta(minutes=10)


@pytest.fixture(params=["memory", "sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb), "redis"])
def limiter(request: pytest.FixtureRequest) -> RateLimiter:
    if request.param == "memory":
        return MemoryRateLimiter()
    if request.param in ("sqlite", "mariadb"):
        request.getfixturevalue("mysql_uow") if request.param == "mariadb" else None  # empties the tables
        engine: Engine = request.getfixturevalue(f"{'mysql' if request.param == 'mariadb' else 'sqlite'}_engine")
        return SqlRateLimiter(engine)
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as e:
        service_missing(f"Redis at {REDIS_URL}", e)
    return RedisRateLimiter(client)


def test_the_limit_holds_within_a_window(limiter: RateLimiter) -> None:
    allowed = [limiter.hit("login:a", limit=3, window=WINDOW, now=START) for _ in range(5)]
    assert allowed == [True, True, True, False, False]
    assert limiter.hit("login:b", limit=3, window=WINDOW, now=START), "another key has its own budget"


def test_a_new_window_starts_afresh(limiter: RateLimiter) -> None:
    for _ in range(4):
        limiter.hit("api:k", limit=3, window=WINDOW, now=START)
    assert limiter.hit("api:k", limit=3, window=WINDOW, now=START + WINDOW + timedelta(seconds=1))


def test_clearing_forgets_the_hits(limiter: RateLimiter) -> None:
    for _ in range(4):
        limiter.hit("login:c", limit=3, window=WINDOW, now=START)
    limiter.clear("login:c", window=WINDOW, now=START)
    assert limiter.hit("login:c", limit=3, window=WINDOW, now=START)


def test_asking_counts_nothing(limiter: RateLimiter) -> None:
    assert [limiter.allows("api:f", limit=2, window=WINDOW, now=START) for _ in range(5)] == [True] * 5
    limiter.hit("api:f", limit=2, window=WINDOW, now=START)
    assert limiter.allows("api:f", limit=2, window=WINDOW, now=START)
    limiter.hit("api:f", limit=2, window=WINDOW, now=START)
    assert not limiter.allows("api:f", limit=2, window=WINDOW, now=START)
    assert limiter.allows("api:f", limit=2, window=WINDOW, now=START + WINDOW + timedelta(seconds=1))
    assert limiter.allows("api:g", limit=2, window=WINDOW, now=START)


def test_a_forgiven_attempt_no_longer_counts_and_forgiving_never_adds_one(limiter: RateLimiter) -> None:
    for _ in range(3):
        limiter.hit("login:h", limit=3, window=WINDOW, now=START)
    limiter.forgive("login:h", window=WINDOW, now=START)
    assert limiter.hit("login:h", limit=3, window=WINDOW, now=START)
    assert not limiter.hit("login:h", limit=3, window=WINDOW, now=START)
    for _ in range(3):
        limiter.forgive("login:i", window=WINDOW, now=START)  # nothing to take back
    assert [limiter.hit("login:i", limit=1, window=WINDOW, now=START) for _ in range(2)] == [True, False]


def test_clearing_a_key_leaves_keys_that_begin_like_it_alone(limiter: RateLimiter) -> None:
    for key in ("login:account:7", "login:account:7:192.0.2.1", "login:account:70"):
        limiter.hit(key, limit=1, window=WINDOW, now=START)
    limiter.clear("login:account:7", window=WINDOW, now=START)
    assert limiter.allows("login:account:7", limit=1, window=WINDOW, now=START)
    assert not limiter.allows("login:account:7:192.0.2.1", limit=1, window=WINDOW, now=START)
    assert not limiter.allows("login:account:70", limit=1, window=WINDOW, now=START)


def test_windows_that_have_passed_leave_nothing_behind(limiter: RateLimiter) -> None:
    """Every anonymous address adds a key: a key whose window has passed must not be kept for ever."""
    for n in range(20):
        limiter.hit(f"form:192.0.2.{n}", limit=10, window=WINDOW, now=START)
    later = START + WINDOW + timedelta(minutes=5)
    limiter.hit("form:198.51.100.1", limit=10, window=WINDOW, now=later)
    if isinstance(limiter, RedisRateLimiter):
        client = limiter._client
        # Redis drops a bucket itself once its window has passed, as long as every bucket expires.
        assert all(0 < client.ttl(k) <= WINDOW.total_seconds() + 1 for k in client.keys(f"{PREFIX}form:*"))
    else:
        assert stored_keys(limiter) == {"form:198.51.100.1"}


def test_redis_clears_by_name_without_walking_the_keyspace(redis_url: str) -> None:
    client = CommandLog(connection_pool=redis.ConnectionPool.from_url(redis_url, socket_timeout=2))
    client.flushdb()
    limiter = RedisRateLimiter(client)
    limiter.hit("login:j", limit=3, window=WINDOW, now=START)
    client.commands.clear()
    limiter.clear("login:j", window=WINDOW, now=START)
    limiter.forgive("login:j", window=WINDOW, now=START)
    assert not {"SCAN", "KEYS"} & set(client.commands)
    assert limiter.allows("login:j", limit=1, window=WINDOW, now=START)


class CommandLog(redis.Redis):
    """A client that notes the name of every command it sends."""

    commands: list[str]

    def execute_command(self, *args: Any, **options: Any) -> Any:
        self.__dict__.setdefault("commands", []).append(str(args[0]).upper())
        return super().execute_command(*args, **options)  # type: ignore[no-untyped-call]


def stored_keys(limiter: RateLimiter) -> set[str]:
    if isinstance(limiter, MemoryRateLimiter):
        return limiter.keys()
    assert isinstance(limiter, SqlRateLimiter)
    with limiter._engine.connect() as connection:
        return set(connection.execute(select(rate_limits.c.key)).scalars())


def test_redis_down_lets_requests_through() -> None:
    down = RedisRateLimiter(redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, socket_timeout=0.2))
    assert down.hit("login:d", limit=0, window=WINDOW, now=START)
    assert down.allows("login:d", limit=0, window=WINDOW, now=START)
    down.forgive("login:d", window=WINDOW, now=START)
    down.clear("login:d", window=WINDOW, now=START)


def test_a_database_that_cannot_be_reached_is_a_storage_error_not_a_crash() -> None:
    engine = make_engine(f"mysql+pymysql://root@127.0.0.1:{free_port()}/gone", connect_args={"connect_timeout": 1})
    down = SqlRateLimiter(engine)
    with pytest.raises(StorageError, match="not available"):
        down.hit("api:e", limit=5, window=WINDOW, now=START)
    with pytest.raises(StorageError):
        down.clear("api:e", window=WINDOW, now=START)
