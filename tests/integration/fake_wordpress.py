"""A fake WordPress running the LeadsManager plugin: a real HTTP server on 127.0.0.1, faults on demand.

It speaks the contract in docs/wordpress-plugin.md (basic auth with an application password, `after_id`
and `per_page`, ids ascending, `has_more`), so the adapter is tested over real sockets and timeouts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.adapters.http_retry import RetryPolicy
from tests.integration.fake_sources.site import PASSWORD, USERNAME, FakeSite, Fault, Reply, Seen, error

__all__ = ["PASSWORD", "USERNAME", "FakeWordPress", "Fault", "Seen", "quick_policy", "site_for"]

ROUTE = re.compile(r"/wp-json/leadsmanager/v1/forms/([^/]+)/submissions")


class FakeWordPress(FakeSite):
    def __init__(self, *, username: str = USERNAME, password: str = PASSWORD) -> None:
        super().__init__(username=username, password=password)
        self._rows: dict[str, list[tuple[int, dict[str, Any]]]] = {}

    def add(self, form_id: str, *submissions: Mapping[str, Any]) -> None:
        """Stores raw JSON objects, even malformed ones; rows are ordered by their numeric id, as in MySQL."""
        with self._lock:
            rows = self._rows.setdefault(form_id, [])
            for raw in submissions:
                rows.append((_row_id(raw, default=max((r for r, _ in rows), default=0) + 1), dict(raw)))
            rows.sort(key=lambda row: row[0])

    def form_of(self, path: str) -> str | None:
        route = ROUTE.fullmatch(path)
        return None if route is None else unquote(route.group(1))

    def answer(self, form_id: str, query: Mapping[str, str]) -> Reply:
        if form_id not in self._rows:
            return error(404, "leadsmanager_unknown_form")
        per_page, after_id = query.get("per_page", "10"), query.get("after_id", "0")
        if not (per_page.isdigit() and 1 <= int(per_page) <= 100 and after_id.isdigit()):
            return error(400, "rest_invalid_param")
        newer = [raw for row, raw in self._rows[form_id] if row > int(after_id)]
        page = {"submissions": newer[: int(per_page)], "has_more": len(newer) > int(per_page)}
        return Reply(200, json.dumps(page).encode(), {"Content-Type": "application/json; charset=UTF-8"})


def _row_id(raw: Mapping[str, Any], *, default: int) -> int:
    text = str(raw.get("id", ""))
    return int(text) if text.isdigit() else default


def site_for(wordpress: FakeWordPress, *, password: str = PASSWORD, name: str = "shop") -> WordPressSite:
    return WordPressSite(name, wordpress.url, USERNAME, password, {"contact": {"your-name": "name"}})


def quick_policy(sleeps: list[float], *, attempts: int = 3, read_timeout: float = 2.0) -> RetryPolicy:
    """Short timeouts, and waits recorded instead of slept, so fault tests take milliseconds."""
    sleep: Callable[[float], None] = sleeps.append
    return RetryPolicy(
        attempts=attempts, first_wait=0.01, max_wait=5.0, connect_timeout=5.0, read_timeout=read_timeout, sleep=sleep
    )
