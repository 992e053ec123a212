"""The task queues of the embedded default (no Redis): run the task now, or leave it to `serve`."""

from __future__ import annotations

from collections.abc import Callable

from leadsmanager.adapters.dramatiq_tasks import Handler, OnFailure
from leadsmanager.application.job_types import QueueUnavailable, TaskFailed, TaskRejected
from leadsmanager.application.ports import TaskQueue


class InlineTaskQueue(TaskQueue):
    """No worker listens, so the task runs now; one that fails goes to `on_failure` (the failed-tasks list)."""

    def __init__(self, handlers: Callable[[], dict[str, Handler]], on_failure: OnFailure) -> None:
        self._handlers, self._on_failure = handlers, on_failure

    def enqueue(self, task: str, **args: int | str) -> None:
        try:
            self._handlers()[task](**args)
        except (TaskFailed, TaskRejected) as e:
            self._on_failure(task, dict(args), f"{type(e).__name__}: {e}")


class NoWorkerQueue(TaskQueue):
    """The embedded default outside `serve`: no worker listens here, so events wait in the outbox."""

    def enqueue(self, task: str, **args: int | str) -> None:
        raise QueueUnavailable("no task queue in this process: `leadsmanager serve` runs the tasks")
