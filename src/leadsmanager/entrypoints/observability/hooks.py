"""Hooks the background jobs call to be seen: a JSON log line and metrics per finished task, and sync lag.

from leadsmanager.entrypoints.observability.hooks import TaskOutcome, record_task, set_sync_lag

record_task("notify_new_lead", outcome=TaskOutcome.RETRIED, duration=0.42, lead_id=17)
set_sync_lag("shop", "contact", seconds=95.0)
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable

from prometheus_client import start_http_server

from leadsmanager.entrypoints.observability.metrics import LEADS_CREATED, SYNC_LAG, TASK_SECONDS, TASKS, registry

TASK_LOG = logging.getLogger("leadsmanager.task")


class TaskOutcome(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"  # given up: no retry follows
    RETRIED = "retried"  # failed this time; the queue runs it again later


def record_task(name: str, *, outcome: TaskOutcome | str, duration: float, lead_id: int | None = None) -> None:
    """One finished run of a task: logs it (task, lead id, outcome, duration) and counts it."""
    outcome = TaskOutcome(outcome)
    if duration < 0:
        raise ValueError("a task cannot take a negative time")
    TASKS.labels(task=name, outcome=outcome.value).inc()
    TASK_SECONDS.labels(task=name).observe(duration)
    level = logging.INFO if outcome is TaskOutcome.OK else logging.WARNING
    fields = {"task": name, "lead_id": lead_id, "outcome": outcome.value, "duration_ms": round(duration * 1000, 1)}
    TASK_LOG.log(level, "task %s %s", name, outcome.value, extra={"fields": fields})


def set_sync_lag(site: str, form_id: str, *, seconds: float) -> None:
    """How far a form's sync is behind: seconds since it was last read to its end (0 right after)."""
    SYNC_LAG.labels(site=site, form=form_id).set(max(0.0, seconds))


def lead_created(source: str) -> None:
    LEADS_CREATED.labels(source=source).inc()


def serve_metrics(port: int, host: str = "127.0.0.1") -> Callable[[], None]:
    """/metrics over HTTP from a background thread, for the worker and the scheduler; loopback by default.

    Returns the function that stops it.
    """
    server, thread = start_http_server(port, host, registry=registry())

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop
