"""uvicorn's httptools protocol with a bounded request head: too large is answered 431, too slow 408.

uvicorn bounds neither with httptools: a client could send a 40 MB header, or a header line now and
then, and hold a connection and its memory for ever.
"""

from __future__ import annotations

import asyncio
import functools
import http
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from leadsmanager.entrypoints.bootstrap.settings import Settings

LOG = logging.getLogger("leadsmanager.serve")
LINGER_SECONDS = 2.0  # reading and dropping what a refused client still sends, so its refusal is not reset


@functools.cache
def head_limits() -> tuple[int, float]:
    """The largest head in bytes and the seconds it may take to arrive, read once per web process."""
    settings = Settings.from_env()
    return settings.max_header_bytes, settings.header_timeout_seconds


class _HeadTooLarge(Exception):
    """Raised from a parser callback: httptools stops parsing and uvicorn answers the refusal."""


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """Each request head must stay under the size limit and arrive within the time limit.

    The time runs from the connection, or from the previous response on a kept connection, until the
    head is complete. The size counts the request line and headers as parsed, and the bytes read while
    a head is still incomplete (httptools buffers a header until its end).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_head_bytes, self.head_seconds = head_limits()
        self.head_bytes = 0  # the parsed request line and headers of the head under way
        self.read_bytes = 0  # the bytes read while a head is incomplete
        self.awaiting_head = True
        self.refused_status = 400
        self.head_timer: asyncio.TimerHandle | None = None
        self.refusing = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.refusing:
            return
        super().data_received(data)
        if self.awaiting_head and not self.transport.is_closing():
            self.read_bytes += len(data)
            if self.read_bytes > self.max_head_bytes:
                self.refuse(431, b"The request's headers are too large.")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.awaiting_head, self.head_bytes, self.read_bytes = True, 0, 0

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self.count_head(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self.count_head(len(name) + len(value) + 4)

    def count_head(self, size: int) -> None:
        self.head_bytes += size
        if self.head_bytes > self.max_head_bytes:
            self.refused_status = 431
            raise _HeadTooLarge

    def on_headers_complete(self) -> None:
        self.awaiting_head, self.read_bytes = False, 0
        self.stop_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        pipelined = bool(self.pipeline)  # the next request's head has come already
        super().on_response_complete()
        if not pipelined and not self.transport.is_closing():
            self.awaiting_head = True
            self.start_head_timer()

    def start_head_timer(self) -> None:
        if self.head_timer is None:
            self.head_timer = self.loop.call_later(self.head_seconds, self.head_timed_out)

    def stop_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def head_timed_out(self) -> None:
        self.head_timer = None
        if self.transport.is_closing() or not self.awaiting_head:
            return
        LOG.warning("request head not complete within %g s: connection closed", self.head_seconds)
        self.refuse(408, b"The request's headers took too long to arrive.")

    def send_400_response(self, msg: str) -> None:
        if self.refused_status == 431:
            self.refuse(431, b"The request's headers are too large.")
        else:
            super().send_400_response(msg)

    def refuse(self, status: int, text: bytes) -> None:
        """Answer, then close our side and drop what still comes for a moment before closing.

        Closing at once with the client's bytes unread would make the kernel reset the connection,
        and the client could lose the answer.
        """
        self.stop_head_timer()
        self.refusing = True
        reason = http.HTTPStatus(status).phrase.encode()
        head = b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n" % (status, reason)
        self.transport.write(head + b"content-length: %d\r\nconnection: close\r\n\r\n" % len(text) + text)
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()
