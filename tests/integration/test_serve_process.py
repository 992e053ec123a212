"""`leadsmanager serve` as a real process: JSON logs on stdout, metrics, and a graceful stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from tests.conftest import MYSQL_URL

START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """This process's environment without any LeadsManager or metrics setting, plus `settings`."""
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith("LEADSMANAGER_") and k != "PROMETHEUS_MULTIPROC_DIR"
    }
    return {
        **inherited,
        "LEADSMANAGER_DATA_DIR": str(tmp_path / "data"),
        "LEADSMANAGER_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "LEADSMANAGER_SECRET_KEY": "a secret key long enough for the serve tests",
        **settings,
    }


def leadsmanager(env: dict[str, str], *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "leadsmanager", *args],
        env=env,
        cwd=env["LEADSMANAGER_DATA_DIR"] + "/..",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


class Served:
    def __init__(self, env: dict[str, str], *args: str, output: IO[bytes] | None = None) -> None:
        """`output`: where the logs go, for a test that makes more requests than a pipe's buffer holds."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "leadsmanager", "serve", "--port", str(self.port), *args]
        cwd = env["LEADSMANAGER_DATA_DIR"] + "/.."
        logs = output or subprocess.PIPE
        self.process = subprocess.Popen(command, env=env, cwd=cwd, stdout=logs, stderr=logs)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"serve did not start: {self.output()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def output(self) -> str:
        out, err = self.process.communicate(timeout=30)
        return (out or b"").decode() + (err or b"").decode()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Served, dict[str, str]]]:
    env = clean_env(tmp_path)
    (tmp_path / "data").mkdir()
    leadsmanager(env, "db", "upgrade")
    server = Served(env)
    yield server, env
    server.stop()


def log_lines(stdout: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.decode().splitlines()]


def test_sigterm_lets_the_request_in_flight_finish_then_exits_0(served: tuple[Served, dict[str, str]]) -> None:
    server, env = served
    secret = leadsmanager(env, "api-keys", "create", "crm", "--scope", "leads:write")[1]
    body = json.dumps({"name": "Late Larry", "email": "larry@example.com"}).encode()
    head = (
        f"POST /api/v1/leads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {secret}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as connection:
        connection.sendall(head + body[:10])  # the request has begun: the app is waiting for its body
        time.sleep(0.5)
        server.process.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert server.process.poll() is None, "the server quit with a request in flight"
        connection.sendall(body[10:])
        reply = connection.makefile("rb").read()
    assert reply.startswith(b"HTTP/1.1 201 "), reply[:200]
    assert server.process.wait(timeout=30) == 0
    stdout, _ = server.process.communicate()
    lines = log_lines(stdout)
    requests = [x for x in lines if x["logger"] == "leadsmanager.request"]
    assert [x["message"] for x in lines[-3:-1]] == [
        "stopped; resources left open: none",
        "Application shutdown complete.",
    ]
    assert [(x["method"], x["route"], x["status"]) for x in requests] == [("POST", "/api/v1/leads", 201)]
    request_id = next(line for line in reply.split(b"\r\n") if line.lower().startswith(b"x-request-id:"))
    assert requests[0]["request_id"] == request_id.split(b":", 1)[1].strip().decode()
    assert secret not in stdout.decode()
    assert any("Larry" in line for line in leadsmanager(env, "leads", "list"))


def test_metrics_are_open_to_this_machine_without_a_token(served: tuple[Served, dict[str, str]]) -> None:
    server, _ = served
    response = httpx.get(server.url + "/metrics", timeout=5)
    assert response.status_code == 200
    assert "leadsmanager_http_requests_total" in response.text


def healthz_count(metrics: str) -> float:
    return sum(
        s.value
        for family in text_string_to_metric_families(metrics)
        for s in family.samples
        if s.name == "leadsmanager_http_requests_total" and s.labels["route"] == "/healthz"
    )


@pytest.mark.mariadb
def test_several_workers_add_up_their_metrics(tmp_path: Path, mysql_engine: Engine, redis_url: str) -> None:
    (tmp_path / "data").mkdir()
    shared = tmp_path / "metrics"
    # With Redis the background jobs run in workers elsewhere, so only the two web processes write metrics.
    env = clean_env(
        tmp_path,
        LEADSMANAGER_DATABASE_URL=MYSQL_URL,
        LEADSMANAGER_REDIS_URL=redis_url,
        PROMETHEUS_MULTIPROC_DIR=str(shared),
    )
    server = Served(env, "--workers", "2")
    sent, statuses, writers = 0, list[int](), set[str]()
    try:
        before = healthz_count(httpx.get(server.url + "/metrics", timeout=5).text)
        # A new connection each: the kernel hands them to whichever worker accepts first, and the second worker
        # may still be starting when the first answers, so requests go in rounds until both have served.
        deadline = time.monotonic() + START_TIMEOUT
        while len(writers) < 2 and time.monotonic() < deadline:
            with ThreadPoolExecutor(8) as pool:
                statuses += pool.map(lambda _: httpx.get(server.url + "/healthz", timeout=5).status_code, range(40))
            sent += 40
            writers = {path.stem.rsplit("_", 1)[1] for path in shared.glob("counter_*.db")}
        after = healthz_count(httpx.get(server.url + "/metrics", timeout=5).text)
    finally:
        assert server.stop() == 0
    assert statuses == [200] * sent
    assert after - before == sent, "the metrics page adds up the counts of both workers"
    assert len(writers) == 2, "both workers served and wrote their counts"
