"""uvicorn's h11 protocol with a bounded request head: too large is answered 431, too slow 408.

uvicorn bounds a head's size (h11's max incomplete event size, answered 400) but not the time it
takes to arrive, so a client sending a header line now and then holds a connection for ever.
"""

from __future__ import annotations

import asyncio
import functools
import http
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from leadsmanager.entrypoints.settings import Settings

LOG = logging.getLogger("leadsmanager.serve")
DEFAULT_HEAD_BYTES = 16 * 1024  # h11's own default, when uvicorn is not given one


@functools.cache
def header_timeout() -> float:
    """Read once per web process, from the settings `serve` checked before starting them."""
    return Settings.from_env().header_timeout_seconds


class _Connection(h11.Connection):
    """An h11 connection that refuses a head over its size and remembers the status of what it refused.

    h11 enforces its size only on a head still incomplete after a read: one that came whole in a single
    read (up to 256 KiB on loopback) passed.
    """

    def __init__(self, max_head_bytes: int) -> None:
        super().__init__(h11.SERVER, max_head_bytes)
        self.max_head_bytes = max_head_bytes
        self.refused_status = 400

    def next_event(self) -> Any:
        try:
            event = super().next_event()
            if isinstance(event, h11.Request) and head_size(event) > self.max_head_bytes:
                raise h11.RemoteProtocolError("request head too large", error_status_hint=431)
        except h11.RemoteProtocolError as e:
            self.refused_status = e.error_status_hint
            raise
        return event


def head_size(request: h11.Request) -> int:
    """The bytes of a request line and headers as sent, give or take optional whitespace."""
    line = len(request.method) + len(request.target) + len(b"  HTTP/1.1\r\n")
    return line + sum(len(name) + len(value) + 4 for name, value in request.headers.raw_items()) + 2


class BoundedH11Protocol(H11Protocol):
    """Each request head must arrive within `header_timeout()` of the connection or the previous response."""

    conn: _Connection

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn = _Connection(self.config.h11_max_incomplete_event_size or DEFAULT_HEAD_BYTES)
        self.head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.watch_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop_head_timer()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        self.watch_head()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self.watch_head()

    def watch_head(self) -> None:
        """Time the client while a request head is awaited; stop once it has come."""
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if waiting and self.head_timer is None:
            self.head_timer = self.loop.call_later(header_timeout(), self.head_timed_out)
        elif not waiting:
            self.stop_head_timer()

    def stop_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def head_timed_out(self) -> None:
        self.head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        LOG.warning("request head not complete within %g s: connection closed", header_timeout())
        self.refuse(408, b"The request's headers took too long to arrive.")

    def send_400_response(self, msg: str) -> None:
        if self.conn.refused_status == 431:
            self.refuse(431, b"The request's headers are too large.")
        else:
            super().send_400_response(msg)

    def refuse(self, status: int, text: bytes) -> None:
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(text)).encode()),
            (b"connection", b"close"),
        ]
        response = h11.Response(status_code=status, headers=headers, reason=http.HTTPStatus(status).phrase)
        try:
            for event in (response, h11.Data(data=text), h11.EndOfMessage()):
                self.transport.write(self.conn.send(event) or b"")
        except h11.LocalProtocolError:
            pass  # a response was under way after all: closing is the answer left
        self.transport.close()
