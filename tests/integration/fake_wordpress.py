"""A fake WordPress running the LeadsManager plugin: a real HTTP server on 127.0.0.1, faults on demand.

It speaks the contract in docs/wordpress-plugin.md (basic auth with an application password, `after_id`
and `per_page`, ids ascending, `has_more`), so the adapter is tested over real sockets and timeouts.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlsplit

from attrs import field, frozen

from leadsmanager.adapters.form_sources.site import WordPressSite
from leadsmanager.adapters.http_retry import RetryPolicy

ROUTE = re.compile(r"/wp-json/leadsmanager/v1/forms/([^/]+)/submissions")
USERNAME = "leadsmanager-sync"
PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"  # shown with spaces by WordPress, which ignores them


@frozen
class Fault:
    """What one request gets instead of the plugin's answer; `status=None` answers normally after `hang`."""

    status: int | None = 500
    body: bytes = b'{"code":"internal_server_error","message":"boom","data":{"status":500}}'
    headers: Mapping[str, str] = field(factory=dict)
    hang: float = 0.0

    @classmethod
    def hanging(cls, seconds: float) -> Fault:
        return cls(status=None, hang=seconds)

    @classmethod
    def malformed(cls) -> Fault:
        return cls(status=200, body=b'<br /><b>Warning</b>: PHP notice {"submissions": [')

    @classmethod
    def rate_limited(cls, retry_after: str) -> Fault:
        return cls(status=429, body=b'{"code":"too_many_requests"}', headers={"Retry-After": retry_after})


@frozen
class Seen:
    form_id: str
    query: dict[str, str]
    authorised: bool


@frozen
class _Reply:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(factory=dict)
    hang: float = 0.0


class FakeWordPress:
    def __init__(self, *, username: str = USERNAME, password: str = PASSWORD) -> None:
        self._credentials = (username, _squashed(password))
        self._rows: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._faults: list[Fault] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.wordpress = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeWordPress:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stopping.set()  # wakes hanging handlers, so nothing outlives the test
        self._server.shutdown()
        self._server.server_close()

    def add(self, form_id: str, *submissions: Mapping[str, Any]) -> None:
        """Stores raw JSON objects, even malformed ones; rows are ordered by their numeric id, as in MySQL."""
        with self._lock:
            rows = self._rows.setdefault(form_id, [])
            for raw in submissions:
                rows.append((_row_id(raw, default=max((r for r, _ in rows), default=0) + 1), dict(raw)))
            rows.sort(key=lambda row: row[0])

    def fail_next(self, fault: Fault, *, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def reply(self, path: str, authorization: str | None) -> _Reply:
        parts = urlsplit(path)
        route = ROUTE.fullmatch(parts.path)
        if route is None:
            return _error(404, "rest_no_route")
        form_id, query = unquote(route.group(1)), dict(parse_qsl(parts.query))
        with self._lock:
            self.seen.append(Seen(form_id, query, self._authorised(authorization)))
            fault = self._faults.pop(0) if self._faults else None
            if fault is not None and fault.status is not None:
                return _Reply(fault.status, fault.body, fault.headers, fault.hang)
            answer = self._answer(form_id, query, authorization)
        return answer if fault is None else _Reply(answer.status, answer.body, answer.headers, fault.hang)

    def _answer(self, form_id: str, query: Mapping[str, str], authorization: str | None) -> _Reply:
        if not authorization:
            return _error(401, "rest_forbidden")
        if not self._authorised(authorization):
            return _error(401, "incorrect_password")
        if form_id not in self._rows:
            return _error(404, "leadsmanager_unknown_form")
        per_page, after_id = query.get("per_page", "10"), query.get("after_id", "0")
        if not (per_page.isdigit() and 1 <= int(per_page) <= 100 and after_id.isdigit()):
            return _error(400, "rest_invalid_param")
        newer = [raw for row, raw in self._rows[form_id] if row > int(after_id)]
        page = {"submissions": newer[: int(per_page)], "has_more": len(newer) > int(per_page)}
        return _Reply(200, json.dumps(page).encode(), {"Content-Type": "application/json; charset=UTF-8"})

    def _authorised(self, authorization: str | None) -> bool:
        scheme, _, encoded = (authorization or "").partition(" ")
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return scheme.lower() == "basic" and (user, _squashed(password)) == self._credentials


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    wordpress: FakeWordPress


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        wordpress = cast(_Server, self.server).wordpress
        reply = wordpress.reply(self.path, self.headers.get("Authorization"))
        if reply.hang:
            wordpress.stopping.wait(reply.hang)
        try:
            self.send_response(reply.status)
            for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:  # the client stopped waiting (a timeout test): nobody to answer
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests assert on `FakeWordPress.seen`, not on a log."""


def _error(status: int, code: str) -> _Reply:
    return _Reply(status, json.dumps({"code": code, "message": code, "data": {"status": status}}).encode())


def _row_id(raw: Mapping[str, Any], *, default: int) -> int:
    text = str(raw.get("id", ""))
    return int(text) if text.isdigit() else default


def _squashed(password: str) -> str:
    """WordPress compares application passwords with everything but letters and digits removed."""
    return re.sub(r"[^a-z0-9]", "", password, flags=re.IGNORECASE)


def site_for(wordpress: FakeWordPress, *, password: str = PASSWORD, name: str = "shop") -> WordPressSite:
    return WordPressSite(name, wordpress.url, USERNAME, password, {"contact": {"your-name": "name"}})


def quick_policy(sleeps: list[float], *, attempts: int = 3, read_timeout: float = 2.0) -> RetryPolicy:
    """Short timeouts, and waits recorded instead of slept, so fault tests take milliseconds."""
    sleep: Callable[[float], None] = sleeps.append
    return RetryPolicy(
        attempts=attempts, first_wait=0.01, max_wait=5.0, connect_timeout=5.0, read_timeout=read_timeout, sleep=sleep
    )
