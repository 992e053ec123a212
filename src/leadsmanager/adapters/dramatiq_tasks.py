"""The task queue on Dramatiq: Redis when configured, otherwise a broker inside this process.

Each task is a Dramatiq actor on one queue. A task that raises is retried with exponential backoff;
one that raises TaskRejected, or runs out of retries, is handed to `on_failure` (the failed-tasks list).

Redis settings for durability and quick recovery (see docs in README): run Redis with `appendonly yes`
and `maxmemory-policy noeviction`, so a restart or memory pressure never drops a queued task. A worker
that dies holds its messages until its heartbeat is `heartbeat_seconds` old; another worker's queue
maintenance then puts them back. Maintenance runs on about one fetch in twenty here (Dramatiq's
default is one in a thousand), so an idle queue notices a dead worker within a few seconds of that.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import dramatiq
import redis
from attrs import frozen
from dramatiq.broker import MessageProxy
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AgeLimit, Middleware

from leadsmanager.application.job_types import QueueUnavailable, TaskRejected
from leadsmanager.application.ports import TaskQueue
from leadsmanager.domain.errors import LeadsManagerError

QUEUE = "leadsmanager"
Handler = Callable[..., object]
OnFailure = Callable[[str, dict[str, Any], str], object]  # task, args, error
OnFinish = Callable[[str, dict[str, Any], str, float], None]  # task, args, outcome, seconds

log = logging.getLogger("leadsmanager.tasks")


@frozen
class BrokerSettings:
    redis_url: str | None = None
    heartbeat_seconds: float = 15.0
    max_retries: int = 8
    min_backoff_seconds: float = 2.0
    max_backoff_seconds: float = 600.0


def make_broker(settings: BrokerSettings) -> dramatiq.Broker:
    if settings.redis_url is None:
        return StubBroker()
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=2)
    return RedisBroker(  # type: ignore[no-untyped-call]
        client=client,
        namespace="leadsmanager",
        heartbeat_timeout=int(settings.heartbeat_seconds * 1000),
        maintenance_chance=50_000,  # out of a million commands
    )


def declare_tasks(
    broker: dramatiq.Broker,
    handlers: Mapping[str, Handler],
    settings: BrokerSettings,
    *,
    on_failure: OnFailure,
    on_finish: OnFinish | None = None,
) -> None:
    """Every task becomes an actor on `broker`; call once per broker, before starting a worker."""
    # First in the list, so its after-hooks run last: after Retries decided whether the message failed.
    broker.add_middleware(TaskOutcomes(on_failure, on_finish), before=AgeLimit)
    for name, handler in handlers.items():
        dramatiq.actor(
            actor_name=name,
            queue_name=QUEUE,
            broker=broker,
            max_retries=settings.max_retries,
            min_backoff=int(settings.min_backoff_seconds * 1000),
            max_backoff=int(settings.max_backoff_seconds * 1000),
            throws=(TaskRejected,),
            time_limit=15 * 60 * 1000,
        )(_retried_quietly(name, handler))


def _retried_quietly(name: str, handler: Handler) -> Handler:
    """Dramatiq logs an exception from a task as an error with its traceback. A failure of the product's
    own kind (a collision, a service down) is raised as a Retry instead, which it does not log, and
    TaskOutcomes says in one line what happened. A bug keeps its traceback."""

    @functools.wraps(handler)
    def run(**args: Any) -> object:
        try:
            return handler(**args)
        except TaskRejected:
            raise  # not retried: TaskOutcomes records it
        except LeadsManagerError as e:
            raise dramatiq.Retry(f"{type(e).__name__}: {e}") from e

    return run


class DramatiqTaskQueue(TaskQueue):
    def __init__(self, broker: dramatiq.Broker) -> None:
        self._broker = broker

    def enqueue(self, task: str, **args: int | str) -> None:
        message: dramatiq.Message[Any] = dramatiq.Message(
            queue_name=QUEUE, actor_name=task, args=(), kwargs=dict(args), options={}
        )
        try:
            self._broker.enqueue(message)
        except (redis.RedisError, dramatiq.errors.BrokerConnectionError) as e:
            raise QueueUnavailable(f"the task queue is not reachable ({type(e).__name__}); nothing was lost") from e


class TaskOutcomes(Middleware):
    """Times each task, reports how it ended, and hands the ones that failed for good to `on_failure`."""

    def __init__(self, on_failure: OnFailure, on_finish: OnFinish | None) -> None:
        self._on_failure, self._on_finish = on_failure, on_finish

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        message.options["started"] = time.monotonic()

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        if exception is None:
            self._finish(message, "ok")
        elif message.failed:
            self._fail(message, _error(exception))
        else:
            log.warning(
                "task %s %s failed, retried later: %s", message.actor_name, dict(message.kwargs), _error(exception)
            )
            self._finish(message, "retried")

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        self._fail(message, "skipped: the task was too old or was cancelled")

    def _fail(self, message: MessageProxy, error: str) -> None:
        try:
            self._on_failure(message.actor_name, dict(message.kwargs), error)
        except Exception:
            log.exception("could not record failed task %s %s", message.actor_name, dict(message.kwargs))
        self._finish(message, "failed")

    def _finish(self, message: MessageProxy, outcome: str) -> None:
        seconds = time.monotonic() - message.options.pop("started", time.monotonic())
        args = dict(message.kwargs)
        if self._on_finish is not None:
            self._on_finish(message.actor_name, args, outcome, seconds)
        else:
            log.info("task %s %s: %s in %.3f s", message.actor_name, args, outcome, seconds)


def _error(exception: BaseException) -> str:
    """The error the task raised, not the Retry that carried it (see _retried_quietly)."""
    if isinstance(exception, dramatiq.Retry) and exception.__cause__ is not None:
        return str(exception)
    return f"{type(exception).__name__}: {exception}"
