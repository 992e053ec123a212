"""The periodic jobs: publish the outbox, queue follow-ups, and put failed tasks back in the queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from leadsmanager.application.job_types import UNANNOUNCED_SOURCES, FailedTask, Notice, QueueUnavailable, TaskName
from leadsmanager.application.notices import NoticeSettings
from leadsmanager.application.ports import Clock, TaskQueue, UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.errors import NotFound
from leadsmanager.domain.events import LeadEvent, LeadSubmitted

RELAY_BATCH = 200
FOLLOW_UP_BATCH = 1000
# A new-lead notice not sent this long after the lead arrived was lost on its way (say, a broker that
# restarted without its data); the follow-up job queues it again.
NEW_LEAD_GRACE = timedelta(minutes=10)


def _new_lead_notices(settings: NoticeSettings) -> list[Notice]:
    return [Notice.NEW_LEAD, Notice.CONFIRMATION] if settings.confirmation else [Notice.NEW_LEAD]


# The notices each kind of event calls for; the other events are kept for the record, no notice follows them yet.
EVENT_HANDLERS: dict[type[LeadEvent], list[Callable[[NoticeSettings], list[Notice]]]] = {
    LeadSubmitted: [_new_lead_notices],
}


class RelayOutbox:
    """Hands stored lead events to the task queue; an event stays in the outbox until the queue took it."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, queue: TaskQueue, settings: NoticeSettings) -> None:
        self._uow, self._clock, self._queue, self._settings = uow, clock, queue, settings

    def __call__(self, batch: int = RELAY_BATCH) -> int:
        """Publish up to `batch` events; the number published. Raises QueueUnavailable after keeping
        what was published before the queue went away.

        No transaction stays open while the queue is called: a task may run at once, in this thread
        (a command line on the embedded default), and write. Two relays at once may both publish an
        event; the handlers make that harmless, and one scheduler per deployment makes it rare.
        """
        with self._uow() as uow:
            events = uow.outbox.pending(batch)
        published: list[int] = []
        try:
            for event in events:
                for notice in self._notices(event.event):
                    self._queue.enqueue(TaskName.SEND_NOTICE, lead_id=event.lead_id, notice=notice.value)
                published.append(event.id)
        finally:
            if published:
                in_transaction(self._uow, lambda uow: uow.outbox.mark_published(published, self._clock.now()))
        return len(published)

    def drain(self) -> int:
        """Publish until the outbox is empty; the number published."""
        total = 0
        while published := self(RELAY_BATCH):
            total += published
        return total

    def waiting(self) -> int:
        """Events not yet handed to the task queue."""
        with self._uow() as uow:
            return uow.outbox.count_pending()

    def _notices(self, event: LeadEvent) -> list[Notice]:
        if isinstance(event, LeadSubmitted) and event.channel in UNANNOUNCED_SOURCES:
            return []
        return [notice for handler in EVENT_HANDLERS.get(type(event), []) for notice in handler(self._settings)]


class QueueFollowUps:
    """Queues reminders and escalations for leads still `new`, and new-lead notices that went missing."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, queue: TaskQueue, settings: NoticeSettings) -> None:
        self._uow, self._clock, self._queue, self._settings = uow, clock, queue, settings

    def __call__(self, batch: int = FOLLOW_UP_BATCH) -> dict[Notice, int]:
        now, s = self._clock.now(), self._settings
        oldest = now - s.remind_within
        due = {
            Notice.FOLLOW_UP: now - s.follow_up_after,
            Notice.ESCALATION: now - s.escalate_after,
            Notice.NEW_LEAD: now - NEW_LEAD_GRACE,
        }
        with self._uow() as uow:
            found = {
                notice: uow.deliveries.due(notice, created_from=oldest, created_before=before, limit=batch)
                for notice, before in due.items()
            }
        for notice, lead_ids in found.items():
            for lead_id in lead_ids:
                self._queue.enqueue(TaskName.SEND_NOTICE, lead_id=lead_id, notice=notice.value)
        return {notice: len(ids) for notice, ids in found.items()}


class FailedTasks:
    """Tasks that ran out of retries: recorded by the workers, listed and retried by an operator."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, queue: TaskQueue) -> None:
        self._uow, self._clock, self._queue = uow, clock, queue

    def record(self, task: str, args: dict[str, int | str], error: str) -> FailedTask:
        failed = FailedTask(task, dict(args), error, self._clock.now())
        return in_transaction(self._uow, lambda uow: uow.failed_tasks.add(failed))

    def waiting(self) -> list[FailedTask]:
        with self._uow() as uow:
            return uow.failed_tasks.list()

    def retry(self, task_id: int | None = None) -> list[FailedTask]:
        """Queue one failed task again, or all of them (None); the tasks queued.

        Each is marked retried before it is queued, outside any transaction (on the embedded default
        it runs at once, in this thread); one the queue refuses is listed as failed again.
        """
        tasks = in_transaction(self._uow, lambda uow: self._mark_retried(uow, task_id))
        for task in tasks:
            try:
                self._queue.enqueue(task.task, **task.args)
            except QueueUnavailable as e:
                self.record(task.task, task.args, str(e))
                raise
        return tasks

    def _mark_retried(self, uow: UnitOfWork, task_id: int | None) -> list[FailedTask]:
        if task_id is None:
            tasks = uow.failed_tasks.list()
        else:
            task = uow.failed_tasks.get(task_id)
            if task is None or task.retried_at is not None:
                raise NotFound(f"no failed task {task_id} waiting for a retry")
            tasks = [task]
        for task in tasks:
            assert task.id is not None
            if task.task == TaskName.SEND_NOTICE:
                # The delivery was marked failed for good; forget that so the notice may go out.
                uow.deliveries.reopen(int(task.args["lead_id"]), Notice(str(task.args["notice"])))
            uow.failed_tasks.mark_retried(task.id, self._clock.now())
        return tasks
