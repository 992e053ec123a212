"""An in-memory rate limiter, for tests and a single process."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from leadsmanager.application.ports import RateLimiter


class MemoryRateLimiter(RateLimiter):
    """A window opens at a key's first hit; keys whose windows have passed are dropped at the next hit."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[datetime, int]] = {}  # key: (window's end, hits)
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        with self._lock:
            self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
            ends, hits = self._windows.get(key, (now + window, 0))
            self._windows[key] = (ends, hits + 1)
            return hits + 1 <= limit

    def allows(self, key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
        with self._lock:
            return self._current(key, now) < limit

    def forgive(self, key: str, *, window: timedelta, now: datetime) -> None:
        with self._lock:
            if self._current(key, now):
                ends, hits = self._windows[key]
                self._windows[key] = (ends, hits - 1)

    def clear(self, key: str, *, window: timedelta, now: datetime) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def keys(self) -> set[str]:
        """The keys it keeps counts of (passed windows must not pile up)."""
        with self._lock:
            return set(self._windows)

    def _current(self, key: str, now: datetime) -> int:
        ends, hits = self._windows.get(key, (now, 0))
        return hits if ends > now else 0
