"""The one composition root: the task queue chosen once from the settings and the process, no override in src/."""

from __future__ import annotations

from pathlib import Path

import pytest
from attrs import evolve

import leadsmanager
from leadsmanager.adapters.dramatiq_tasks import DramatiqTaskQueue
from leadsmanager.adapters.task_queues import InlineTaskQueue, NoWorkerQueue
from leadsmanager.entrypoints.bootstrap.container import build
from leadsmanager.entrypoints.bootstrap.jobs import Process
from leadsmanager.entrypoints.bootstrap.settings import Settings

EMBEDDED = Settings(data_dir=Path("unused"), database_url="sqlite://", redis_url=None, phone_region="US")


@pytest.mark.parametrize(
    ("process", "queue"),
    [
        (Process.WEB, InlineTaskQueue),  # a task an admin retries runs in the request
        (Process.RETRY, InlineTaskQueue),
        (Process.SERVE, DramatiqTaskQueue),  # serve's own worker threads take it from its broker
        (Process.COMMAND, NoWorkerQueue),  # events wait in the outbox for serve
    ],
)
def test_without_redis_the_process_decides_where_tasks_go(process: Process, queue: type) -> None:
    assert type(build(EMBEDDED, process).task_queue()) is queue


@pytest.mark.parametrize("process", list(Process))
def test_with_redis_every_process_queues_on_it(process: Process) -> None:
    with_redis = evolve(EMBEDDED, redis_url="redis://127.0.0.1:9/0")  # never connected to here
    assert type(build(with_redis, process).task_queue()) is DramatiqTaskQueue


def test_nothing_in_the_product_overrides_a_provider() -> None:
    source = Path(leadsmanager.__file__).parent
    overriding = [str(path.relative_to(source)) for path in source.rglob("*.py") if ".override(" in path.read_text()]
    assert overriding == []
