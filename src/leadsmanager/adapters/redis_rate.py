"""Rate limits counted in Redis: one INCR per hit instead of a database write transaction."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import redis

from leadsmanager.application.ports import RateLimiter

log = logging.getLogger(__name__)
PREFIX = "leadsmanager:rate:"


class RedisRateLimiter(RateLimiter):
    """Fixed windows aligned to the clock; every web process shares the counts.

    If Redis cannot be reached the hit is allowed and logged: a limiter outage must not become
    a sign-in and API outage.
    """

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        seconds = max(int(window.total_seconds()), 1)
        bucket = f"{PREFIX}{key}:{int(now.timestamp()) // seconds}"
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

    def clear(self, key: str) -> None:
        try:
            for bucket in self._client.scan_iter(match=f"{PREFIX}{key}:*", count=100):
                self._client.delete(bucket)
        except redis.RedisError as e:
            log.warning("rate limit not cleared, Redis is unavailable: %s", e)
