"""How outgoing HTTP calls (notifications, WordPress sync) retry a passing failure, and read Retry-After.

Retries stay few and waits bounded: a task queue or the next sync runs again later anyway, so a
Retry-After longer than `max_wait` is not slept on but handed back to the caller.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpx
from attrs import frozen

_SECONDS = re.compile(r"[0-9]{1,9}")


@frozen
class RetryPolicy:
    attempts: int = 3
    first_wait: float = 0.5
    max_wait: float = 5.0
    connect_timeout: float = 10.0
    read_timeout: float = 10.0  # also for writing the request and waiting for a pooled connection
    sleep: Callable[[float], None] = time.sleep

    def wait(self, attempt: int, *, retryable: bool, retry_after: float | None = None) -> float | None:
        """Seconds before the try after `attempt`, or None when there is none: a final error, the last
        try, or a Retry-After longer than `max_wait`."""
        if not retryable or attempt >= self.attempts:
            return None
        if retry_after is None:
            return min(self.first_wait * 2.0 ** (attempt - 1), self.max_wait)
        return retry_after if retry_after <= self.max_wait else None

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)


# WordPress sync: a site gets one more try and longer waits than a notification service, since the
# sync holds no queue worker while it waits.
SYNC_RETRY = RetryPolicy(attempts=4, max_wait=30.0, connect_timeout=5.0, read_timeout=20.0)


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or unreadable."""
    text = (value or "").strip()
    if _SECONDS.fullmatch(text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT even when written "-0000"
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
