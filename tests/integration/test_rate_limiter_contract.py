"""One contract for rate limiting, held by the in-memory counter, the database and Redis."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import redis
from sqlalchemy import Engine

from leadsmanager.adapters.memory import MemoryRateLimiter
from leadsmanager.adapters.redis_rate import RedisRateLimiter
from leadsmanager.adapters.sql.engine import make_engine
from leadsmanager.adapters.sql.sessions import SqlRateLimiter
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
    limiter.clear("login:c")
    assert limiter.hit("login:c", limit=3, window=WINDOW, now=START)


def test_redis_down_lets_requests_through() -> None:
    down = RedisRateLimiter(redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, socket_timeout=0.2))
    assert down.hit("login:d", limit=0, window=WINDOW, now=START)


def test_a_database_that_cannot_be_reached_is_a_storage_error_not_a_crash() -> None:
    engine = make_engine(f"mysql+pymysql://root@127.0.0.1:{free_port()}/gone", connect_args={"connect_timeout": 1})
    down = SqlRateLimiter(engine)
    with pytest.raises(StorageError, match="not available"):
        down.hit("api:e", limit=5, window=WINDOW, now=START)
    with pytest.raises(StorageError):
        down.clear("api:e")
