"""MariaDB killed with kill -9 and restarted while 1,000 API intake requests arrive.

Every request answered 2xx is in the database afterwards; retrying the others with the same
Idempotency-Key creates no duplicates; while the database is away the app answers 503 with a
problem document that says so, and it recovers by itself once the database is back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.integration.private_mariadb import PrivateMariaDB
from tests.processes import free_port, wait_for

pytestmark = pytest.mark.mariadb
REQUESTS = 1000


@pytest.fixture
def mariadb(tmp_path: Path) -> Iterator[PrivateMariaDB]:
    server = PrivateMariaDB(tmp_path / "mariadb")
    server.directory.mkdir()
    server.install()
    yield server
    server.stop()


class App:
    def __init__(self, mariadb: PrivateMariaDB, directory: Path) -> None:
        self.cli = str(Path(sys.executable).parent / "leadsmanager")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LEADSMANAGER_")}
        self.env |= {"LEADSMANAGER_DATABASE_URL": mariadb.url, "LEADSMANAGER_DATA_DIR": str(directory)}
        self.env["LEADSMANAGER_API_REQUESTS_PER_MINUTE"] = "100000"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = directory / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    def run(self, *args: str) -> str:
        done = subprocess.run([self.cli, *args], env=self.env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def serve(self) -> None:
        log = self.log.open("ab")
        command = [self.cli, "serve", "--port", str(self.port), "--no-access-log"]
        self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=log)
        wait_for(self._up, "the web app", timeout=30)

    def _up(self) -> bool:
        try:
            return httpx.get(self.base + "/login", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False


@pytest.fixture
def app(mariadb: PrivateMariaDB, tmp_path: Path) -> Iterator[App]:
    running = App(mariadb, tmp_path)
    running.run("db", "upgrade")
    running.serve()
    yield running
    if running.process is not None:
        running.process.send_signal(signal.SIGTERM)
        running.process.wait(30)


def test_no_answered_intake_is_lost_when_mariadb_is_killed_and_retries_make_no_duplicates(
    app: App, mariadb: PrivateMariaDB
) -> None:
    key = app.run("api-keys", "create", "load", "--scope", "leads:write").strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {key}"}
    answered: dict[int, int] = {}  # request number -> lead id, for every 2xx
    outages: list[httpx.Response] = []
    lock = threading.Lock()
    sent = iter(range(REQUESTS))

    def send(n: int, client: httpx.Client) -> None:
        body = {"name": f"Load {n}", "email": f"load{n}@example.com", "message": "crash test"}
        for _ in range(600):  # the database is away for seconds, not minutes
            try:
                response = client.post("/api/v1/leads", json=body, headers=headers | {"Idempotency-Key": f"req-{n}"})
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            if response.status_code in (200, 201):
                with lock:
                    answered[n] = response.json()["lead"]["id"]
                return
            assert response.status_code == 503, response.text
            with lock:
                outages.append(response)
            time.sleep(0.05)
        raise AssertionError(f"request {n} never succeeded")

    def worker() -> None:
        with httpx.Client(base_url=app.base, timeout=30) as client:
            for n in sent:
                send(n, client)

    def crash() -> None:
        wait_for(lambda: len(answered) >= 300, "300 answered requests", timeout=120)
        mariadb.kill()
        time.sleep(3)
        mariadb.start()

    with ThreadPoolExecutor(9) as pool:
        crashing = pool.submit(crash)
        workers = [pool.submit(worker) for _ in range(8)]
        for future in [crashing, *workers]:
            future.result(timeout=300)

    assert len(answered) == REQUESTS
    assert outages, "the database was killed, yet no request saw it"
    problem = outages[0]
    assert problem.headers["content-type"].startswith("application/problem+json")
    assert "database" in problem.json()["detail"]
    engine = create_engine(mariadb.url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, email FROM leads")).all()
    engine.dispose()
    stored = {email: lead_id for lead_id, email in rows}
    assert len(rows) == REQUESTS  # no duplicates from the retries
    assert all(stored.get(f"load{n}@example.com") == lead_id for n, lead_id in answered.items())
