"""A fake WordPress on 127.0.0.1 that a form plugin's fake builds on: real HTTP, WordPress's own refusals, faults.

WordPress itself answers before any plugin does: 404 `rest_no_route` for a path no plugin registered,
401 `rest_forbidden` without credentials, 401 `incorrect_password` for a wrong application password
(compared, as WordPress does, with everything but letters and digits removed), 403 `rest_forbidden` for
a user who lacks the route's capability. A subclass names its routes (`form_of`) and answers for its
plugin (`answer`); faults queued with `fail_next` replace the next answers, as a failing site would.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast
from urllib.parse import parse_qsl, urlsplit

from attrs import field, frozen

USERNAME = "leadsmanager-sync"
PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"  # shown with spaces by WordPress, which ignores them
JSON = {"Content-Type": "application/json; charset=UTF-8"}


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
    form_id: str  # for a fake serving several routes, the route asked for (form_of's answer)
    query: dict[str, str]
    authorised: bool


@frozen
class Reply:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(factory=dict)
    hang: float = 0.0


def error(status: int, code: str, message: str | None = None) -> Reply:
    """A WordPress REST error, as `WP_Error` renders: code, message, data.status."""
    return json_reply(status, {"code": code, "message": message or code, "data": {"status": status}})


def json_reply(status: int, data: Any) -> Reply:
    """JSON as WordPress encodes it: non-ASCII as \\u escapes and slashes escaped (PHP's json_encode)."""
    return Reply(status, json.dumps(data).replace("/", "\\/").encode(), JSON)


class FakeSite:
    """Serves in a background thread inside `with`; subclasses implement `form_of` and `answer`."""

    def __init__(self, *, username: str = USERNAME, password: str = PASSWORD, capable: bool = True) -> None:
        self._credentials = (username, _squashed(password))
        self.capable = capable  # whether the user has the capability the plugin's route asks for
        self._faults: list[Fault] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.site = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stopping.set()  # wakes hanging handlers, so nothing outlives the test
        self._server.shutdown()
        self._server.server_close()

    def form_of(self, path: str) -> str | None:
        """The form id a request path asks for, or None when the plugin has no such route."""
        raise NotImplementedError

    def answer(self, form_id: str, query: Mapping[str, str]) -> Reply:
        """The plugin's answer to an authorised request (called holding the lock)."""
        raise NotImplementedError

    def fail_next(self, fault: Fault, *, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def reply(self, path: str, authorization: str | None) -> Reply:
        parts = urlsplit(path)
        form_id = self.form_of(parts.path)
        if form_id is None:
            return error(404, "rest_no_route", "No route was found matching the URL and request method.")
        query = dict(parse_qsl(parts.query))
        with self._lock:
            self.seen.append(Seen(form_id, query, self._authorised(authorization)))
            fault = self._faults.pop(0) if self._faults else None
            if fault is not None and fault.status is not None:
                return Reply(fault.status, fault.body, fault.headers, fault.hang)
            answer = self.refusal(authorization, form_id) or self.answer(form_id, query)
        return answer if fault is None else Reply(answer.status, answer.body, answer.headers, fault.hang)

    def refusal(self, authorization: str | None, form_id: str) -> Reply | None:
        """WordPress's own refusals, before the plugin answers (called holding the lock); a plugin that
        signs callers in its own way, or asks a capability per route, overrides it."""
        if not authorization:
            return error(401, "rest_forbidden", "Sorry, you are not allowed to do that.")
        if not self._authorised(authorization):
            return error(401, "incorrect_password", "The provided password is an invalid application password.")
        if not self.capable:
            return error(403, "rest_forbidden", "Sorry, you are not allowed to do that.")
        return None

    def _authorised(self, authorization: str | None) -> bool:
        return self.signs_in(*(basic_credentials(authorization) or ("", "")))

    def signs_in(self, user: str, password: str) -> bool:
        """The site's user with its application password."""
        return (user, _squashed(password)) == self._credentials


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """The user name and password of Basic credentials; None without them."""
    scheme, _, encoded = (authorization or "").partition(" ")
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if scheme.lower() == "basic" else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: FakeSite


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        site = cast(_Server, self.server).site
        reply = site.reply(self.path, self.headers.get("Authorization"))
        if reply.hang:
            site.stopping.wait(reply.hang)
        try:
            self.send_response(reply.status)
            for name, value in {**JSON, **reply.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:  # the client stopped waiting (a timeout test): nobody to answer
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests assert on `FakeSite.seen`, not on a log."""


def _squashed(password: str) -> str:
    """WordPress compares application passwords with everything but letters and digits removed."""
    return re.sub(r"[^a-z0-9]", "", password, flags=re.IGNORECASE)
