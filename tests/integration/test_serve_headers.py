"""`leadsmanager serve` bounds a request's head: its size (431) and the time it takes to arrive (408)."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator

import h11
import pytest

from tests.integration.test_serve_process import Served, clean_env, leadsmanager

DRIP_FOR = 15.0  # seconds a slow client keeps sending header lines; far longer than the 1 s timeout below


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp_path = tmp_path_factory.mktemp("serve")
    env = clean_env(tmp_path, LEADSMANAGER_HEADER_TIMEOUT_SECONDS="1")
    (tmp_path / "data").mkdir()
    leadsmanager(env, "db", "upgrade")
    served = Served(env)
    yield served
    served.stop()


def head(extra: bytes = b"") -> bytes:
    return b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + b"\r\n"


def responses(connection: socket.socket, count: int = 1) -> list[int]:
    """The statuses of the next `count` responses on a connection, each read to its end."""
    client, statuses = h11.Connection(h11.CLIENT), list[int]()
    while len(statuses) < count:
        client.send(h11.Request(method="GET", target="/", headers=[("Host", "x")]))  # h11 reads what it asked for
        client.send(h11.EndOfMessage())
        event = client.next_event()
        while not isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
            if event is h11.NEED_DATA:
                client.receive_data(connection.recv(65536))
            elif isinstance(event, h11.Response):
                statuses.append(event.status_code)
            event = client.next_event()
        if isinstance(event, h11.ConnectionClosed):
            break
        client.start_next_cycle()
    return statuses


def drip(connection: socket.socket) -> bytes:
    """Send a header line every 0.2 s until the server answers or closes, or DRIP_FOR runs out."""
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    deadline = time.monotonic() + DRIP_FOR
    n = 0
    while time.monotonic() < deadline:
        readable, _, _ = select.select([connection], [], [], 0.2)
        if readable:
            reply = b""
            while chunk := connection.recv(65536):
                reply += chunk
            return reply or b"(closed)"
        n += 1
        try:
            connection.sendall(f"X-Slow-{n}: x\r\n".encode())
        except OSError:
            return b"(closed)"
    return b""


@pytest.mark.parametrize("pieces", [1, 40], ids=["at-once", "in-pieces"])
def test_a_header_larger_than_32_kib_is_refused_with_431(server: Served, pieces: int) -> None:
    request = head(b"X-Big: " + b"a" * 40 * 1024 + b"\r\n")
    size = len(request) // pieces + 1
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as connection:
        try:
            for start in range(0, len(request), size):
                connection.sendall(request[start : start + size])
                time.sleep(0.01 if pieces > 1 else 0)  # each piece in a read of its own
        except OSError:
            print("the server closed the connection before the whole head was sent")
        reply = connection.makefile("rb").read()
    assert reply.startswith(b"HTTP/1.1 431 "), reply[:200]
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as connection:
        connection.sendall(head())
        assert responses(connection) == [200]  # the server carries on


def test_requests_with_ordinary_headers_are_served_on_one_connection(server: Served) -> None:
    cookie = b"Cookie: session=" + b"c" * 8 * 1024 + b"\r\n"  # a browser sends at most about this much
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as connection:
        connection.sendall(head(cookie) + head())
        assert responses(connection, 2) == [200, 200]


def test_a_header_dripped_slowly_is_cut_after_the_timeout(server: Served) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as connection:
        reply = drip(connection)
    assert reply.startswith(b"HTTP/1.1 408 "), reply[:200] or b"still open after dripping for 15 s"


def test_the_next_request_on_a_kept_connection_is_timed_too(server: Served) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as connection:
        connection.sendall(head())
        assert responses(connection) == [200]
        reply = drip(connection)
    assert reply.startswith(b"HTTP/1.1 408 "), reply[:200] or b"still open after dripping for 15 s"
