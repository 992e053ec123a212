"""In-memory outbox, delivery log, failed tasks and consistency queries, held to the SQL contract."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from attrs import define, evolve, field

from leadsmanager.application.job_types import (
    UNANNOUNCED_SOURCES,
    Claim,
    DeliveryChannel,
    FailedTask,
    GapScan,
    Notice,
    OutboxEvent,
)
from leadsmanager.application.ports import ConsistencyQueries, DeliveryLog, FailedTaskRepository, OutboxRepository
from leadsmanager.domain.errors import TransientConflict
from leadsmanager.domain.lead import HistoryEntry, HistoryField, Lead
from leadsmanager.domain.status import LeadStatus

Change = Callable[[], None]


@define
class Delivery:
    state: str
    attempts: int
    claimed_at: datetime
    sent_at: datetime | None = None
    last_error: str | None = None


@define
class JobStore:
    """The committed jobs state of a MemoryStore."""

    outbox: dict[int, tuple[OutboxEvent, datetime | None]] = field(factory=dict)
    deliveries: dict[tuple[int, str, str], Delivery] = field(factory=dict)
    failed: dict[int, FailedTask] = field(factory=dict)
    outbox_ids: itertools.count[int] = field(factory=lambda: itertools.count(1))
    failed_ids: itertools.count[int] = field(factory=lambda: itertools.count(1))

    def add_events(self, lead: Lead) -> None:
        assert lead.id is not None
        for event in lead.collect_events():
            stored = OutboxEvent(next(self.outbox_ids), lead.id, event, lead.updated_at)
            self.outbox[stored.id] = (stored, None)


class MemoryOutboxRepository(OutboxRepository):
    def __init__(self, jobs: JobStore, pending: list[Change]) -> None:
        self._jobs, self._pending = jobs, pending

    def pending(self, limit: int) -> list[OutboxEvent]:
        return [e for e, published in sorted(self._jobs.outbox.values(), key=lambda p: p[0].id) if not published][
            :limit
        ]

    def mark_published(self, event_ids: list[int], at: datetime) -> None:
        def apply() -> None:
            for i in event_ids:
                self._jobs.outbox[i] = (self._jobs.outbox[i][0], at)

        self._pending.append(apply)

    def count_pending(self) -> int:
        return sum(1 for _, published in self._jobs.outbox.values() if published is None)


class MemoryDeliveryLog(DeliveryLog):
    def __init__(
        self,
        jobs: JobStore,
        leads: Callable[[], dict[int, Lead]],
        pending: list[Change],
        start: Callable[[], str] = lambda: LeadStatus.NEW.value,
    ) -> None:
        self._jobs, self._leads, self._pending, self._start = jobs, leads, pending, start

    def claim(
        self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, now: datetime, lease: timedelta
    ) -> Claim:
        key = (lead_id, notice.value, channel.value)
        row = self._jobs.deliveries.get(key)
        if row is not None and row.state in ("sent", "failed"):
            return Claim.DONE
        if row is not None and row.state == "sending" and row.claimed_at + lease > now:
            return Claim.BUSY
        attempts = 1 if row is None else row.attempts + 1

        def apply() -> None:
            if self._jobs.deliveries.get(key) != row:
                raise TransientConflict("another worker claimed this notice at the same moment")
            self._jobs.deliveries[key] = Delivery("sending", attempts, now)

        self._pending.append(apply)
        return Claim.GRANTED

    def finish(self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, at: datetime) -> None:
        self._set((lead_id, notice.value, channel.value), state="sent", sent_at=at, last_error=None)

    def release(self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, error: str) -> None:
        self._set((lead_id, notice.value, channel.value), state="pending", last_error=error)

    def fail(self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, error: str) -> None:
        self._set((lead_id, notice.value, channel.value), state="failed", last_error=error)

    def reopen(self, lead_id: int, notice: Notice) -> None:
        def apply() -> None:
            for key, row in list(self._jobs.deliveries.items()):
                if key[:2] == (lead_id, notice.value) and row.state == "failed":
                    del self._jobs.deliveries[key]

        self._pending.append(apply)

    def forget(self, lead_id: int, notice: Notice) -> None:
        def apply() -> None:
            for key, row in list(self._jobs.deliveries.items()):
                if key[:2] == (lead_id, notice.value) and row.state != "sending":
                    del self._jobs.deliveries[key]

        self._pending.append(apply)

    def sent(self, lead_id: int) -> list[tuple[Notice, DeliveryChannel]]:
        keys = sorted(k for k, row in self._jobs.deliveries.items() if k[0] == lead_id and row.state == "sent")
        return [(Notice(n), DeliveryChannel(c)) for _, n, c in keys]

    def due(self, notice: Notice, *, created_from: datetime, created_before: datetime, limit: int) -> list[int]:
        done = {k[0] for k in self._jobs.deliveries if k[1] == notice.value}
        found = [
            lead
            for lead in self._leads().values()
            if lead.status == self._start()
            and created_from <= lead.created_at < created_before
            and lead.id not in done
            and not (notice == Notice.NEW_LEAD and lead.source in UNANNOUNCED_SOURCES)
        ]
        found.sort(key=lambda lead: (lead.created_at, lead.id))
        return [lead.id for lead in found[:limit] if lead.id is not None]

    def _set(self, key: tuple[int, str, str], **values: Any) -> None:
        def apply() -> None:
            if key in self._jobs.deliveries:
                self._jobs.deliveries[key] = evolve(self._jobs.deliveries[key], **values)

        self._pending.append(apply)


class MemoryFailedTaskRepository(FailedTaskRepository):
    def __init__(self, jobs: JobStore, pending: list[Change]) -> None:
        self._jobs, self._pending = jobs, pending

    def add(self, task: FailedTask) -> FailedTask:
        stored = evolve(task, id=next(self._jobs.failed_ids))
        assert stored.id is not None
        self._pending.append(lambda: self._jobs.failed.__setitem__(stored.id, stored))  # type: ignore[index]
        return stored

    def get(self, task_id: int) -> FailedTask | None:
        return self._jobs.failed.get(task_id)

    def list(self, *, include_retried: bool = False) -> list[FailedTask]:
        tasks = sorted(self._jobs.failed.values(), key=lambda t: t.id or 0)
        return [t for t in tasks if include_retried or t.retried_at is None]

    def mark_retried(self, task_id: int, at: datetime) -> None:
        def apply() -> None:
            if task_id in self._jobs.failed:
                self._jobs.failed[task_id] = evolve(self._jobs.failed[task_id], retried_at=at)

        self._pending.append(apply)


class MemoryConsistencyQueries(ConsistencyQueries):
    """Memory leads always hold a known status, so `unknown_statuses` finds none."""

    def __init__(self, leads: Callable[[], dict[int, Lead]], active: Callable[[int], bool], pending: list[Change]):
        self._leads, self._active, self._pending = leads, active, pending

    def assigned_to_inactive(self, limit: int) -> list[tuple[int, int]]:
        found = [
            (i, lead.assignee_id)
            for i, lead in sorted(self._leads().items())
            if lead.assignee_id is not None and lead.is_open and not self._active(lead.assignee_id)
        ]
        return found[:limit]

    def unknown_statuses(self, limit: int) -> list[tuple[int, str]]:
        return []

    def status_history_gaps(self, after_id: int, limit: int) -> GapScan:
        batch = [lead for i, lead in sorted(self._leads().items()) if i > after_id][:limit]
        gaps = []
        for lead in batch:
            statuses = [e.new for e in lead.history if e.field == HistoryField.STATUS]
            recorded = statuses[-1] if statuses else None
            if recorded != lead.status:
                assert lead.id is not None
                gaps.append((lead.id, lead.status, recorded))
        go_on = batch[-1].id if len(batch) == limit and batch else None
        return GapScan(gaps, len(batch), go_on)

    def record_status_correction(self, lead_id: int, recorded: str | None, current: str, *, at: datetime) -> None:
        def apply() -> None:
            lead = self._leads()[lead_id]
            lead.history = [
                *lead.history,
                HistoryEntry(HistoryField.STATUS, recorded, current, None, at, id=-len(lead.history)),
            ]

        self._pending.append(apply)

    def set_unknown_status(self, lead_id: int, status: str, *, at: datetime) -> None:
        return None
