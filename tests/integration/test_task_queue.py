"""The task queue on Dramatiq, with the broker inside the process and on the real Redis: tasks run with
their arguments, retry after a failure, go to the failed list when refused, and are counted in /metrics."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import dramatiq
import pytest

from leadsmanager.adapters.dramatiq_tasks import BrokerSettings, DramatiqTaskQueue, declare_tasks, make_broker
from leadsmanager.application.job_types import QueueUnavailable, TaskFailed, TaskRejected
from leadsmanager.entrypoints.observability.metrics import registry
from leadsmanager.entrypoints.worker.jobs import _finished
from tests.processes import free_port, wait_for


@pytest.fixture(params=["in-process", "redis"])
def settings(request: pytest.FixtureRequest) -> BrokerSettings:
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    return BrokerSettings(url, heartbeat_seconds=2, max_retries=3, min_backoff_seconds=0.05, max_backoff_seconds=0.2)


class Tasks:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, object]]] = []
        self.failures: list[tuple[str, dict[str, object], str]] = []
        self.flaky_left = 2
        self.lock = threading.Lock()

    def handlers(self) -> dict[str, object]:
        def greet(lead_id: int, word: str) -> None:
            with self.lock:
                self.calls.append(("greet", {"lead_id": lead_id, "word": word}))

        def flaky(lead_id: int) -> None:
            with self.lock:
                self.calls.append(("flaky", {"lead_id": lead_id}))
                if self.flaky_left:
                    self.flaky_left -= 1
                    raise TaskFailed("not yet")

        def refuse(lead_id: int) -> None:
            raise TaskRejected("never")

        return {"greet": greet, "flaky": flaky, "refuse": refuse}

    def failed(self, task: str, args: dict[str, object], error: str) -> None:
        with self.lock:
            self.failures.append((task, args, error))


@pytest.fixture
def running(settings: BrokerSettings) -> Iterator[tuple[DramatiqTaskQueue, Tasks]]:
    broker = make_broker(settings)
    if settings.redis_url:
        broker.flush_all()
    tasks = Tasks()
    declare_tasks(broker, tasks.handlers(), settings, on_failure=tasks.failed, on_finish=_finished)  # type: ignore[arg-type]
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    yield DramatiqTaskQueue(broker), tasks
    worker.stop()
    broker.close()


def count(task: str, outcome: str) -> float:
    return registry().get_sample_value("leadsmanager_tasks_total", {"task": task, "outcome": outcome}) or 0.0


def test_a_task_runs_once_with_its_arguments(running: tuple[DramatiqTaskQueue, Tasks]) -> None:
    queue, tasks = running
    before = count("greet", "ok")
    queue.enqueue("greet", lead_id=7, word="hola")
    wait_for(lambda: count("greet", "ok") == before + 1, "the task")
    assert tasks.calls == [("greet", {"lead_id": 7, "word": "hola"})]


def test_a_failing_task_is_retried_until_it_succeeds(running: tuple[DramatiqTaskQueue, Tasks]) -> None:
    queue, tasks = running
    retried, ok = count("flaky", "retried"), count("flaky", "ok")
    queue.enqueue("flaky", lead_id=1)
    wait_for(lambda: count("flaky", "ok") == ok + 1, "the third attempt", timeout=20)
    assert len(tasks.calls) == 3 and count("flaky", "retried") == retried + 2
    assert tasks.failures == []


def test_a_refused_task_goes_to_the_failed_list_at_once(running: tuple[DramatiqTaskQueue, Tasks]) -> None:
    queue, tasks = running
    failed = count("refuse", "failed")
    queue.enqueue("refuse", lead_id=3)
    wait_for(lambda: count("refuse", "failed") == failed + 1, "the failure")
    assert tasks.failures == [("refuse", {"lead_id": 3}, "TaskRejected: never")]


def test_a_broker_that_cannot_be_reached_is_reported_not_hidden() -> None:
    settings = BrokerSettings(f"redis://127.0.0.1:{free_port()}/0")
    queue = DramatiqTaskQueue(make_broker(settings))
    with pytest.raises(QueueUnavailable, match="nothing was lost"):
        queue.enqueue("greet", lead_id=1, word="x")
