"""The embedded SQLite default under background writes: a lone API client never sees a conflict, and a
task retried after a collision says so in one warning line, not a traceback."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from starlette.testclient import TestClient

from leadsmanager.adapters.dramatiq_tasks import BrokerSettings, declare_tasks
from leadsmanager.adapters.sql.migrate import upgrade
from leadsmanager.application.intake import LeadForm
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.api_key import Scope
from leadsmanager.domain.errors import TransientConflict
from leadsmanager.domain.lead import Channel
from leadsmanager.entrypoints.bootstrap.container import Container, build
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.web.app import create_app

INTAKES = 120


@pytest.fixture
def sqlite_container(tmp_path: Path) -> Iterator[Container]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'leads.sqlite3'}",
        redis_url=None,
        phone_region="US",
        secret_key="sqlite writers test secret key",
        allowed_hosts=("testserver",),
        api_requests_per_minute=10_000,
    )
    built = build(settings)
    upgrade(built.engine())
    yield built
    built.shutdown_resources()


def test_one_client_at_a_time_never_gets_a_conflict_while_jobs_write(sqlite_container: Container) -> None:
    c = sqlite_container
    worked = c.submit_lead()(LeadForm(Channel.API, name="Worked On", email="worked@example.com")).lead_id
    _, secret = c.api_keys().create("shop", frozenset(Scope), by=Actor.system())
    auth = {"Authorization": f"Bearer {secret}"}
    stop = threading.Event()
    job_writes, job_errors = [0], []

    def jobs_writing() -> None:
        # What the in-process jobs do all day: fold report counts, append to a lead's history.
        add_note, fold = c.add_note(), c.fold_report_counts
        while not stop.is_set():
            try:
                add_note(worked, "follow-up sent", by=Actor.system())
                fold()
            except Exception as e:  # a job that failed runs again on its next turn
                job_errors.append(f"{type(e).__name__}: {e}")
            job_writes[0] += 1

    writer = threading.Thread(target=jobs_writing)
    statuses = []
    with TestClient(create_app(c)) as client:
        writer.start()
        try:
            for n in range(INTAKES):
                # An external id makes each intake read before it writes, as a shop's pushes do.
                body = {"name": f"Person {n}", "email": f"p{n}@example.com", "external_id": f"order-{n}"}
                statuses.append(client.post("/api/v1/leads", json=body, headers=auth).status_code)
        finally:
            stop.set()
            writer.join(60)
    assert job_writes[0] > 0
    assert {s: statuses.count(s) for s in set(statuses)} == {201: INTAKES}
    assert job_errors == []


def test_a_retried_task_logs_one_warning_line_without_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    broker = StubBroker()
    attempts = []

    def send_notice(lead_id: int, notice: str) -> None:
        attempts.append(lead_id)
        if len(attempts) == 1:
            raise TransientConflict("the change collided with another one at the same moment; reload and try again")

    finished = threading.Event()
    declare_tasks(
        broker,
        {"send_notice": send_notice},
        BrokerSettings(min_backoff_seconds=0.01, max_backoff_seconds=0.01),
        on_failure=lambda *_: None,
        on_finish=lambda _task, _args, outcome, _s: finished.set() if outcome == "ok" else None,
    )
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=50)
    caplog.set_level(logging.DEBUG)
    worker.start()
    try:
        broker.enqueue(
            dramatiq.Message(
                queue_name="leadsmanager",
                actor_name="send_notice",
                args=(),
                kwargs={"lead_id": 7, "notice": "new_lead"},
                options={},
            )
        )
        assert finished.wait(30)
    finally:
        worker.stop()
    assert attempts == [7, 7]
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in loud] == [
        "task send_notice {'lead_id': 7, 'notice': 'new_lead'} failed, retried later: TransientConflict: "
        "the change collided with another one at the same moment; reload and try again"
    ]
    assert all(r.exc_info is None and r.exc_text is None for r in caplog.records)
