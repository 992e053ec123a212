"""The background jobs: notices, the outbox relay, follow-ups, failed tasks, and the one task queue.

Where a queued task goes is decided here, once, from the settings and what this process is:
to Dramatiq when Redis is configured; on the embedded default, to the worker threads of `serve`,
straight to its handler in the web app and `tasks retry`, and nowhere in any other command, whose
events then wait in the outbox for `serve` to relay them.
"""

from __future__ import annotations

from datetime import timedelta
from enum import Enum

from dependency_injector import containers, providers

from leadsmanager.adapters.dramatiq_tasks import BrokerSettings, DramatiqTaskQueue, make_broker
from leadsmanager.adapters.task_queues import InlineTaskQueue, NoWorkerQueue
from leadsmanager.application.consistency import CheckConsistency
from leadsmanager.application.jobs import FailedTasks, QueueFollowUps, RelayOutbox
from leadsmanager.application.notices import NoticeSettings, SendNotice
from leadsmanager.entrypoints.bootstrap.settings import Settings
from leadsmanager.entrypoints.worker.handlers import task_handlers as handlers_for
from leadsmanager.entrypoints.worker.sync_processes import sync_forms as sync_side_by_side


class Process(Enum):
    """What this process is: on the embedded default, it decides where the tasks it queues go."""

    WEB = "web"  # the web app: a failed task an admin retries runs in the request
    SERVE = "serve"  # `serve`: its own worker threads run the tasks, from a broker inside the process
    RETRY = "retry"  # `tasks retry`: the task runs now
    COMMAND = "command"  # any other command: no worker listens, events wait in the outbox


def queue_for(settings: Settings, process: Process) -> str:
    if settings.redis_url or process is Process.SERVE:
        return "broker"
    return "inline" if process in (Process.WEB, Process.RETRY) else "none"


def _notice_settings(s: Settings) -> NoticeSettings:
    return NoticeSettings(
        sales_team=s.sales_team,
        confirmation=s.send_confirmation,
        follow_up_after=timedelta(hours=s.follow_up_hours),
        escalate_after=timedelta(hours=s.escalate_after_hours),
        remind_within=timedelta(days=s.remind_within_days),
        lease=timedelta(seconds=s.delivery_lease_seconds),
        language=s.language,
        form_languages=s.public_form_languages,
    )


def _broker_settings(s: Settings) -> BrokerSettings:
    return BrokerSettings(s.redis_url, heartbeat_seconds=s.worker_heartbeat_seconds, max_retries=s.task_max_retries)


def _inline_queue(jobs: Jobs) -> InlineTaskQueue:
    # Looked up when a task runs: the failed-tasks list needs this queue, and the handlers need the use cases.
    return InlineTaskQueue(jobs.task_handlers, lambda *failure: jobs.failed_tasks().record(*failure))


class Jobs(containers.DeclarativeContainer):
    __self__ = providers.Self()
    settings = providers.Dependency(instance_of=Settings)
    process = providers.Dependency(instance_of=Process)
    adapters = providers.DependenciesContainer()
    use_cases = providers.DependenciesContainer()
    uow = adapters.uow.provider
    clock = adapters.clock

    notice_settings = providers.Singleton(_notice_settings, settings)
    broker_settings = providers.Singleton(_broker_settings, settings)
    # Redis when configured; otherwise a broker inside this process, which only `serve` works.
    broker = providers.Singleton(make_broker, broker_settings)
    task_queue = providers.Selector(
        providers.Callable(queue_for, settings, process),
        broker=providers.Singleton(DramatiqTaskQueue, broker),
        inline=providers.Singleton(_inline_queue, __self__),
        none=providers.Singleton(NoWorkerQueue),
    )

    send_notice = providers.Singleton(
        SendNotice,
        uow,
        clock,
        email=adapters.notifiers.provided.email,
        chat=adapters.notifiers.provided.chat,
        templates=adapters.templates,
        settings=notice_settings,
    )
    relay_outbox = providers.Singleton(RelayOutbox, uow, clock, task_queue, notice_settings)
    queue_follow_ups = providers.Singleton(QueueFollowUps, uow, clock, task_queue, notice_settings)
    failed_tasks = providers.Singleton(FailedTasks, uow, clock, task_queue)
    check_consistency = providers.Singleton(CheckConsistency, uow, clock)
    sync_all = providers.Callable(sync_side_by_side, use_cases.sync_forms, settings)
    # What a worker runs for each task name; each use case is looked up when its task runs.
    task_handlers = providers.Singleton(
        handlers_for, send_notice.provider, sync_all.provider, queue_follow_ups.provider, check_consistency.provider
    )
