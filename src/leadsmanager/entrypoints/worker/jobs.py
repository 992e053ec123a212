"""Running the background jobs: the worker, the scheduler loop, and the in-process runner (handlers.py has the tasks).

With Redis configured, `leadsmanager worker` processes run the tasks and one `leadsmanager scheduler`
publishes the outbox and queues the periodic ones. Without Redis, `leadsmanager serve` does both on
threads of its own process, with the same handlers, so the embedded default is the whole product.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import dramatiq
from attrs import frozen

from leadsmanager.adapters.dramatiq_tasks import declare_tasks
from leadsmanager.application.job_types import TaskName
from leadsmanager.application.ports import TaskQueue
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.observability.hooks import record_task, set_sync_lag

log = logging.getLogger("leadsmanager.jobs")
RELAY_SECONDS = 1.0
FOLD_SECONDS = 5.0
FOLLOW_UP_SECONDS = 300.0
CONSISTENCY_SECONDS = 24 * 3600.0
SYNC_LAG_SECONDS = 30.0


@frozen
class Periodic:
    name: str
    every: float  # seconds
    run: Callable[[], object]
    first_after: float = 0.0


def periodic_jobs(c: Container, queue: TaskQueue) -> list[Periodic]:
    settings = c.settings()
    relay = c.relay_outbox()
    jobs = [
        Periodic("relay_outbox", RELAY_SECONDS, relay.drain),
        Periodic("fold_report_counts", FOLD_SECONDS, c.fold_report_counts),
        Periodic(
            TaskName.QUEUE_FOLLOW_UPS,
            FOLLOW_UP_SECONDS,
            lambda: queue.enqueue(TaskName.QUEUE_FOLLOW_UPS),
            first_after=5.0,
        ),
        Periodic(
            TaskName.CHECK_CONSISTENCY,
            CONSISTENCY_SECONDS,
            lambda: queue.enqueue(TaskName.CHECK_CONSISTENCY),
            first_after=600.0,
        ),
    ]
    if any(site.syncs for site in settings.wordpress_sites):  # push-only sites are not read
        every = settings.sync_interval_minutes * 60.0
        jobs.append(Periodic(TaskName.SYNC_FORMS, every, lambda: queue.enqueue(TaskName.SYNC_FORMS), first_after=2.0))
        jobs.append(Periodic("sync_lag", SYNC_LAG_SECONDS, lambda: measure_sync_lag(c)))
    return jobs


def measure_sync_lag(c: Container) -> None:
    """Seconds since each form was last read to its end without an error, as a gauge."""
    now = c.clock().now()
    for cursor in c.sync_forms().status():
        if cursor.last_run_at is not None and cursor.last_error is None:
            set_sync_lag(cursor.site, cursor.form_id, seconds=(now - cursor.last_run_at).total_seconds())


class Scheduler:
    """Runs each job every so often until `stop` is set; a job that fails is logged and tried next time."""

    def __init__(self, jobs: Sequence[Periodic]) -> None:
        self._jobs = jobs

    def run(self, stop: threading.Event) -> None:
        start = time.monotonic()
        due = {job.name: start + job.first_after for job in self._jobs}
        while not stop.is_set():
            for job in self._jobs:
                if due[job.name] <= time.monotonic() and not stop.is_set():
                    self._run(job)
                    due[job.name] = time.monotonic() + job.every
            stop.wait(max(0.0, min(due.values()) - time.monotonic()))

    @staticmethod
    def _run(job: Periodic) -> None:
        try:
            job.run()
        except Exception as e:  # the scheduler outlives any one job's failure
            log.warning("scheduled job %s failed: %s: %s", job.name, type(e).__name__, e)


def _finished(task: str, args: dict[str, Any], outcome: str, seconds: float) -> None:
    lead_id = args.get("lead_id")
    record_task(task, outcome=outcome, duration=seconds, lead_id=int(lead_id) if lead_id is not None else None)


def start_worker(c: Container, *, threads: int) -> dramatiq.Worker:
    """Works the container's broker: Redis in a worker process, the one inside `serve` otherwise."""
    broker, failed = c.broker(), c.failed_tasks()
    declare_tasks(broker, c.task_handlers(), c.broker_settings(), on_failure=failed.record, on_finish=_finished)
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=200)
    worker.start()
    return worker


class InProcessJobs:
    """The embedded default's worker and scheduler, on threads of the web process.

    Its container was built for `serve` (Process.SERVE): the task queue is the broker inside this process.
    """

    def __init__(self, c: Container, *, threads: int = 2) -> None:
        self._c = c
        self._threads = threads
        self._stop = threading.Event()
        self._worker: dramatiq.Worker | None = None
        self._scheduler: threading.Thread | None = None

    def start(self) -> None:
        self._worker = start_worker(self._c, threads=self._threads)
        scheduler = Scheduler(periodic_jobs(self._c, self._c.task_queue()))
        self._scheduler = threading.Thread(target=scheduler.run, args=(self._stop,), name="scheduler", daemon=True)
        self._scheduler.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._scheduler is not None:
            self._scheduler.join(timeout)
        if self._worker is not None:
            self._worker.stop(timeout=int(timeout * 1000))
