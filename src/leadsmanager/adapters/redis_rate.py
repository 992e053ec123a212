"""Rate limits counted in Redis: one INCR per hit instead of a database write transaction."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import redis

from leadsmanager.application.ports import RateLimiter

log = logging.getLogger(__name__)
PREFIX = "leadsmanager:rate:"
# One less, if there is one to take back: a bare DECR would create a bucket without an expiry at -1.
_FORGIVE = """
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
if hits > 0 then
    return redis.call('DECR', KEYS[1])
end
return 0
"""


class RedisRateLimiter(RateLimiter):
    """Fixed windows aligned to the clock; every web process shares the counts.

    If Redis cannot be reached the hit is allowed and logged: a limiter outage must not become
    a sign-in and API outage.
    """

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._forgive = client.register_script(_FORGIVE)

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        bucket, seconds = _bucket(key, window, now)
        try:
            # Both commands in one round trip; no MULTI/EXEC, which only added two replies to parse:
            # Redis runs the two in order, and whatever runs between them cannot undo the count.
            pipe = self._client.pipeline(transaction=False)
            pipe.incr(bucket)
            pipe.expire(bucket, seconds + 1)
            count, _ = pipe.execute()
        except redis.RedisError as e:
            log.warning("rate limit not counted, Redis is unavailable: %s", e)
            return True
        return int(count) <= limit

    def allows(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        try:
            count = self._client.get(_bucket(key, window, now)[0])
        except redis.RedisError as e:
            log.warning("rate limit not read, Redis is unavailable: %s", e)
            return True
        return int(count or 0) < limit

    def forgive(self, key: str, *, window: timedelta, now: datetime) -> None:
        try:
            self._forgive(keys=[_bucket(key, window, now)[0]])
        except redis.RedisError as e:
            log.warning("rate limit not forgiven, Redis is unavailable: %s", e)

    def clear(self, key: str, *, window: timedelta, now: datetime) -> None:
        # The one bucket by name: a pattern would walk the whole keyspace on every sign-in.
        try:
            self._client.delete(_bucket(key, window, now)[0])
        except redis.RedisError as e:
            log.warning("rate limit not cleared, Redis is unavailable: %s", e)


def _bucket(key: str, window: timedelta, now: datetime) -> tuple[str, int]:
    """The window `now` falls in, as a Redis key, and the window's length in seconds."""
    seconds = max(int(window.total_seconds()), 1)
    return f"{PREFIX}{key}:{int(now.timestamp()) // seconds}", seconds
