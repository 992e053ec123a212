"""Running the background jobs: the task handlers, the scheduler loop, and the in-process runner.

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

from leadsmanager.adapters.dramatiq_tasks import (
    DramatiqTaskQueue,
    Handler,
    OnFailure,
    declare_tasks,
    make_broker,
)
from leadsmanager.application.job_types import Notice, TaskFailed, TaskRejected
from leadsmanager.application.jobs import CHECK_CONSISTENCY, QUEUE_FOLLOW_UPS, SEND_NOTICE, SYNC_FORMS
from leadsmanager.application.ports import TaskQueue
from leadsmanager.entrypoints.bootstrap.container import Container
from leadsmanager.entrypoints.observability.hooks import record_task, set_sync_lag
from leadsmanager.entrypoints.worker.sync_processes import sync_forms as side_by_side

log = logging.getLogger("leadsmanager.jobs")
RELAY_SECONDS = 1.0
FOLD_SECONDS = 5.0
FOLLOW_UP_SECONDS = 300.0
CONSISTENCY_SECONDS = 24 * 3600.0
SYNC_LAG_SECONDS = 30.0


def task_handlers(c: Container) -> dict[str, Handler]:
    def send_notice(lead_id: int, notice: str) -> None:
        c.send_notice()(int(lead_id), Notice(notice))

    def sync_forms() -> None:
        side_by_side(c)

    def queue_follow_ups() -> None:
        c.queue_follow_ups()()

    def check_consistency() -> None:
        report = c.check_consistency()(fix=False)
        for finding in report.findings:
            log.warning("consistency: lead %s: %s: %s", finding.lead_id, finding.kind, finding.detail)

    return {
        SEND_NOTICE: send_notice,
        SYNC_FORMS: sync_forms,
        QUEUE_FOLLOW_UPS: queue_follow_ups,
        CHECK_CONSISTENCY: check_consistency,
    }


class InlineTaskQueue(TaskQueue):
    """For a command-line process on the embedded default: no worker listens, so run the task now."""

    def __init__(self, handlers: Callable[[], dict[str, Handler]], on_failure: OnFailure) -> None:
        self._handlers, self._on_failure = handlers, on_failure

    def enqueue(self, task: str, **args: int | str) -> None:
        try:
            self._handlers()[task](**args)
        except (TaskFailed, TaskRejected) as e:
            self._on_failure(task, dict(args), f"{type(e).__name__}: {e}")


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
        Periodic(QUEUE_FOLLOW_UPS, FOLLOW_UP_SECONDS, lambda: queue.enqueue(QUEUE_FOLLOW_UPS), first_after=5.0),
        Periodic(CHECK_CONSISTENCY, CONSISTENCY_SECONDS, lambda: queue.enqueue(CHECK_CONSISTENCY), first_after=600.0),
    ]
    if settings.wordpress_sites:
        every = settings.sync_interval_minutes * 60.0
        jobs.append(Periodic(SYNC_FORMS, every, lambda: queue.enqueue(SYNC_FORMS), first_after=2.0))
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


def start_worker(c: Container, broker: dramatiq.Broker, *, threads: int) -> dramatiq.Worker:
    settings = c.broker_settings()
    failed = c.failed_tasks()
    declare_tasks(broker, task_handlers(c), settings, on_failure=failed.record, on_finish=_finished)
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=200)
    worker.start()
    return worker


class InProcessJobs:
    """The embedded default's worker and scheduler, on threads of the web process."""

    def __init__(self, c: Container, *, threads: int = 2) -> None:
        self._c = c
        self._broker = make_broker(c.broker_settings())  # no Redis: a broker inside this process
        self._threads = threads
        self._stop = threading.Event()
        self._worker: dramatiq.Worker | None = None
        self._scheduler: threading.Thread | None = None

    def start(self) -> None:
        queue = DramatiqTaskQueue(self._broker)
        self._c.task_queue.override(queue)
        self._worker = start_worker(self._c, self._broker, threads=self._threads)
        scheduler = Scheduler(periodic_jobs(self._c, queue))
        self._scheduler = threading.Thread(target=scheduler.run, args=(self._stop,), name="scheduler", daemon=True)
        self._scheduler.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._scheduler is not None:
            self._scheduler.join(timeout)
        if self._worker is not None:
            self._worker.stop(timeout=int(timeout * 1000))
        self._c.task_queue.reset_override()


def use_inline_queue(c: Container) -> None:
    """A command-line process on the embedded default runs queued tasks itself (there is no worker)."""
    if not c.settings().redis_url:
        c.task_queue.override(InlineTaskQueue(lambda: task_handlers(c), lambda *a: c.failed_tasks().record(*a)))
