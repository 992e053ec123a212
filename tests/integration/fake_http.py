"""A real HTTP server on loopback that records what it receives and answers as it is told.

Answers are queued: each request takes the next one, and once the queue is empty every request
gets `default`. `FakeHttpServer.start()` binds 127.0.0.1 on a free port in a background thread.
"""

from __future__ import annotations

import json
import threading
from contextlib import AbstractContextManager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from attrs import field, frozen

from tests.integration.serving import serving


@frozen
class Answer:
    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(factory=dict)

    @classmethod
    def json(cls, status: int, data: Any) -> Answer:
        return cls(status, json.dumps(data), {"Content-Type": "application/json"})


@frozen
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class FakeHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[Received] = []
        self.answers: list[Answer] = []
        self.default = Answer()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer(self, *answers: Answer) -> None:
        with self._lock:
            self.answers.extend(answers)

    def record(self, request: Received) -> Answer:
        with self._lock:
            self.received.append(request)
            return self.answers.pop(0) if self.answers else self.default


class _Handler(BaseHTTPRequestHandler):
    server: FakeHttpServer

    def do_POST(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows what matters."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        received = Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        answer = self.server.record(received)
        payload = answer.body.encode()
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def running() -> AbstractContextManager[FakeHttpServer]:
    return serving(FakeHttpServer())
