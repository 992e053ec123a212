"""Real `leadsmanager worker` and `scheduler` processes on a real Redis and MariaDB, mailing a fake
SMTP server on loopback: one email per new lead, through a worker killed mid-send and Redis stopped
during intake.

The tests start a Redis server of their own on a free port, so stopping it disturbs nobody else.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import Engine

from leadsmanager.application.intake import LeadForm, SubmitLead
from leadsmanager.domain.lead import Channel
from leadsmanager.domain.roles import Role
from tests.conftest import MYSQL_URL, UowFactory, empty, service_missing
from tests.integration import fake_smtp
from tests.processes import free_port, wait_for
from tests.support import FakeClock, actor, make_user

pytestmark = pytest.mark.mariadb


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen([*args, "--dir", str(self.directory)], stdout=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        wait_for(lambda: _pings(client), "redis to start", timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None and not Path("/usr/bin/redis-server").exists():
        service_missing("redis-server", FileNotFoundError("redis-server"))
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp() -> Iterator[fake_smtp.FakeSmtpServer]:
    with fake_smtp.running() as server:
        yield server


class Deployment:
    """Worker and scheduler processes as a production deployment runs them, sharing one environment."""

    def __init__(self, redis_url: str, smtp_port: int, data_dir: Path) -> None:
        self.env = {
            **os.environ,
            "LEADSMANAGER_DATABASE_URL": MYSQL_URL,
            "LEADSMANAGER_REDIS_URL": redis_url,
            "LEADSMANAGER_DATA_DIR": str(data_dir),
            "LEADSMANAGER_SMTP_HOST": "127.0.0.1",
            "LEADSMANAGER_SMTP_PORT": str(smtp_port),
            "LEADSMANAGER_SMTP_SECURITY": "none",
            "LEADSMANAGER_MAIL_FROM": "leads@example.com",
            "LEADSMANAGER_WORKER_HEARTBEAT_SECONDS": "2",
            "LEADSMANAGER_DELIVERY_LEASE_SECONDS": "3",
        }
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs = data_dir

    def start(self, name: str, *args: str) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        command = [str(Path(sys.executable).parent / "leadsmanager"), *args]
        self.processes[name] = subprocess.Popen(command, env=self.env, stdout=log, stderr=log)

    def run(self, *args: str) -> str:
        command = [str(Path(sys.executable).parent / "leadsmanager"), *args]
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.kill()
        process.wait(10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            process = self.processes.pop(name)
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log")))


@pytest.fixture
def deployment(
    private_redis: PrivateRedis, smtp: fake_smtp.FakeSmtpServer, mysql_engine: Engine, tmp_path: Path
) -> Iterator[Deployment]:
    empty(mysql_engine)
    running = Deployment(private_redis.url, smtp.port, tmp_path)
    yield running
    running.stop_all()


def subjects(smtp: fake_smtp.FakeSmtpServer) -> Counter[str]:
    return Counter(str(message_from_bytes(m.data)["Subject"]) for m in smtp.mails)


def submit(uow: UowFactory, n: int) -> int:
    form = LeadForm(Channel.API, name=f"Person {n}", email=f"person{n}@example.com")
    return SubmitLead(uow, FakeClock(), phone_region="US")(form).lead_id


def test_each_new_lead_is_mailed_to_the_team_exactly_once(
    deployment: Deployment, smtp: fake_smtp.FakeSmtpServer, mysql_uow: UowFactory
) -> None:
    make_user(mysql_uow, Role.MANAGER)
    deployment.start("worker", "worker", "--threads", "3")
    deployment.start("scheduler", "scheduler")
    for n in range(1, 11):
        submit(mysql_uow, n)
    wait_for(
        lambda: len(smtp.mails) >= 10, "ten emails", 120, lambda: f"{len(smtp.mails)} mails\n{deployment.log()[-4000:]}"
    )
    time.sleep(3)  # time for any duplicate to arrive
    assert subjects(smtp) == Counter({f"New lead: Person {n}": 1 for n in range(1, 11)}), deployment.log()


def test_a_worker_killed_mid_send_still_ends_with_exactly_one_email(
    deployment: Deployment, smtp: fake_smtp.FakeSmtpServer, mysql_uow: UowFactory
) -> None:
    make_user(mysql_uow, Role.MANAGER)
    smtp.mail_from_delay = 30.0  # the worker will be stuck talking to the mail server
    deployment.start("worker", "worker", "--threads", "1")
    deployment.start("scheduler", "scheduler")
    lead_id = submit(mysql_uow, 1)
    wait_for(lambda: _claimed(mysql_uow, lead_id), "the worker to claim the email", timeout=60)
    deployment.kill("worker")
    smtp.mail_from_delay = 0.0
    assert smtp.mails == []
    deployment.start("worker2", "worker", "--threads", "1")
    wait_for(lambda: len(smtp.mails) >= 1, "the email after the restart", timeout=90)
    time.sleep(4)
    assert subjects(smtp) == Counter({"New lead: Person 1": 1}), deployment.log()


def _claimed(uow_factory: UowFactory, lead_id: int) -> bool:
    with uow_factory() as uow:
        return uow.deliveries.sent(lead_id) == [] and uow.outbox.count_pending() == 0 and _has_claim(uow, lead_id)


def _has_claim(uow: object, lead_id: int) -> bool:
    from sqlalchemy import select

    from leadsmanager.adapters.sql.tables import deliveries

    session = uow._session  # type: ignore[attr-defined]
    row = session.execute(select(deliveries.c.state).where(deliveries.c.lead_id == lead_id)).first()
    return row is not None and row.state == "sending"


def test_api_intake_goes_on_while_redis_is_killed_and_every_notice_follows_once_it_is_back(
    deployment: Deployment, smtp: fake_smtp.FakeSmtpServer, mysql_uow: UowFactory, private_redis: PrivateRedis
) -> None:
    make_user(mysql_uow, Role.MANAGER)
    key = deployment.run("api-keys", "create", "site", "--scope", "leads:write").strip().splitlines()[-1]
    port = free_port()
    deployment.start("web", "serve", "--port", str(port))
    deployment.start("worker", "worker", "--threads", "2")
    deployment.start("scheduler", "scheduler")
    api = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    wait_for(lambda: _answers(api), "the web app")

    def post(n: int) -> int:
        body = {"name": f"Person {n}", "email": f"person{n}@example.com"}
        return api.post("/api/v1/leads", json=body, headers={"Idempotency-Key": f"n{n}"}).status_code

    assert post(1) == 201
    wait_for(lambda: len(smtp.mails) >= 1, "the first email", timeout=60)
    private_redis.stop()  # kill -9: whatever it held is gone
    assert [post(n) for n in range(2, 12)] == [201] * 10  # the leads and their events are in MariaDB
    time.sleep(2)
    assert len(smtp.mails) == 1
    private_redis.start()
    wait_for(lambda: len(smtp.mails) >= 11, "the emails after Redis came back", timeout=120)
    time.sleep(3)
    assert subjects(smtp) == Counter({f"New lead: Person {n}": 1 for n in range(1, 12)}), deployment.log()
    api.close()


def _answers(api: httpx.Client) -> bool:
    try:
        return api.get("/healthz").status_code == 200
    except httpx.HTTPError:
        return False


def test_a_worker_killed_during_200_reminders_still_delivers_each_exactly_once(
    deployment: Deployment, smtp: fake_smtp.FakeSmtpServer, mysql_uow: UowFactory
) -> None:
    manager = make_user(mysql_uow, Role.MANAGER)
    employee = make_user(mysql_uow, Role.EMPLOYEE)
    arrived = FakeClock(datetime.now(UTC) - timedelta(hours=25), step=timedelta(milliseconds=10))
    intake = SubmitLead(mysql_uow, arrived, phone_region="US")
    for n in range(1, 201):
        form = LeadForm(Channel.MANUAL, name=f"Person {n}", email=f"person{n}@example.com", assignee_id=employee.id)
        intake(form, by=actor(manager))
    smtp.hold_after = 150  # then every message waits, unaccepted, so the kill lands mid-send
    deployment.start("worker", "worker", "--threads", "4")
    deployment.start("scheduler", "scheduler")
    wait_for(lambda: smtp.held >= 1, "the worker to be mid-send", timeout=120)
    time.sleep(1)  # every message accepted before the gate closed has been recorded as sent
    deployment.kill("worker")
    smtp.hold_after = None
    smtp.gate.set()
    deployment.start("worker2", "worker", "--threads", "4")

    def reminders() -> Counter[str]:
        return Counter(s for s in subjects(smtp).elements() if s.startswith("Reminder"))

    def progress() -> str:
        return f"{len(reminders())} reminders, {len(smtp.mails)} emails\n{deployment.log()[-3000:]}"

    wait_for(lambda: len(reminders()) == 200 and len(subjects(smtp)) == 400, "every email", 90, progress)
    time.sleep(3)
    assert reminders() == Counter({f"Reminder: follow up with Person {n}": 1 for n in range(1, 201)})
    assert all(count == 1 for count in subjects(smtp).values()), deployment.log()
    assert all(m.rcpt_to == (employee.email,) for m in smtp.mails if b"Reminder" in m.data)
