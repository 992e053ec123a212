"""The outbox, delivery log and failed tasks over SQLAlchemy Core. Like every repository, they never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from leadsmanager.adapters.event_records import event_record, read_event
from leadsmanager.adapters.sql.bulk_insert import BulkInsert, Writes
from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import deliveries, failed_tasks, leads, outbox_events, stages
from leadsmanager.application.job_types import (
    UNANNOUNCED_SOURCES,
    Claim,
    DeliveryChannel,
    FailedTask,
    Notice,
    OutboxEvent,
)
from leadsmanager.application.ports import DeliveryLog, FailedTaskRepository, OutboxRepository
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.status import LeadStatus

# Where new leads start in the configured pipeline (`new` in a database whose stages were emptied by hand).
_START = func.coalesce(select(stages.c.key).where(stages.c.is_start).limit(1).scalar_subquery(), LeadStatus.NEW.value)

SENDING, PENDING, SENT, FAILED = "sending", "pending", "sent", "failed"


def write_events_of(writes: Writes, many: Iterable[Lead]) -> None:
    """The events the leads recorded, in one multi-row INSERT. Called by the lead repository in the
    transaction of the leads' own change, so an event exists exactly when its lead change does."""
    rows = [
        _EVENTS.stored((lead.id, *event_record(event), lead.updated_at))
        for lead in many
        for event in lead.collect_events()
    ]
    _EVENTS.queue(writes, rows)


_EVENTS = BulkInsert(outbox_events, ("lead_id", "kind", "data", "created_at"))


class SqlOutboxRepository(OutboxRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def pending(self, limit: int) -> list[OutboxEvent]:
        statement = (
            select(outbox_events)
            .where(outbox_events.c.published_at.is_(None))
            .order_by(outbox_events.c.id)
            .limit(limit)
        )
        return [
            OutboxEvent(r.id, r.lead_id, read_event(r.kind, r.data), r.created_at)
            for r in run(self._session, statement)
        ]

    def mark_published(self, event_ids: list[int], at: datetime) -> None:
        if event_ids:
            statement = update(outbox_events).where(outbox_events.c.id.in_(event_ids)).values(published_at=at)
            run(self._session, statement)

    def count_pending(self) -> int:
        statement = select(func.count()).select_from(outbox_events).where(outbox_events.c.published_at.is_(None))
        return int(run(self._session, statement).scalar_one())


class SqlDeliveryLog(DeliveryLog):
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim(
        self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, now: datetime, lease: timedelta
    ) -> Claim:
        # The row is made to exist first, by one statement that waits for a concurrent insert instead of
        # failing: a locking read of a missing row takes a gap lock, and two workers holding one on the
        # same gap deadlock as soon as both insert. Once the row exists, the locking read locks just it.
        ids = {"lead_id": lead_id, "notice": notice.value, "channel": channel.value}
        run(self._session, _create_if_missing(self._session, ids, now))
        key = _key(lead_id, notice, channel)
        row = run(self._session, select(deliveries).where(key).with_for_update()).one()
        if row.state in (SENT, FAILED):
            return Claim.DONE
        if row.state == SENDING and row.claimed_at + lease > now:
            return Claim.BUSY
        # Free, or claimed by a worker that died before finishing: take it over.
        values: dict[str, Any] = {"state": SENDING, "attempts": row.attempts + 1, "claimed_at": now}
        run(self._session, update(deliveries).where(key).values(**values))
        return Claim.GRANTED

    def finish(self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, at: datetime) -> None:
        self._set(lead_id, notice, channel, state=SENT, sent_at=at, last_error=None)

    def release(self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, error: str) -> None:
        self._set(lead_id, notice, channel, state=PENDING, last_error=error[:2000])

    def fail(self, lead_id: int, notice: Notice, channel: DeliveryChannel, *, error: str) -> None:
        self._set(lead_id, notice, channel, state=FAILED, last_error=error[:2000])

    def reopen(self, lead_id: int, notice: Notice) -> None:
        condition = and_(deliveries.c.lead_id == lead_id, deliveries.c.notice == notice.value)
        run(self._session, delete(deliveries).where(condition, deliveries.c.state == FAILED))

    def forget(self, lead_id: int, notice: Notice) -> None:
        condition = and_(deliveries.c.lead_id == lead_id, deliveries.c.notice == notice.value)
        run(self._session, delete(deliveries).where(condition, deliveries.c.state != SENDING))

    def sent(self, lead_id: int) -> list[tuple[Notice, DeliveryChannel]]:
        statement = (
            select(deliveries.c.notice, deliveries.c.channel)
            .where(deliveries.c.lead_id == lead_id, deliveries.c.state == SENT)
            .order_by(deliveries.c.notice, deliveries.c.channel)
        )
        return [(Notice(n), DeliveryChannel(c)) for n, c in run(self._session, statement)]

    def due(self, notice: Notice, *, created_from: datetime, created_before: datetime, limit: int) -> list[int]:
        # Leads still in the configured pipeline's starting stage are found through (status, created_at,
        # id); the anti-join reads one delivery key per lead.
        done = select(deliveries.c.lead_id).where(
            deliveries.c.lead_id == leads.c.id, deliveries.c.notice == notice.value
        )
        statement = (
            select(leads.c.id)
            .where(
                leads.c.status == _START,
                leads.c.created_at >= created_from,
                leads.c.created_at < created_before,
                ~done.exists(),
            )
            .order_by(leads.c.created_at, leads.c.id)
            .limit(limit)
        )
        if notice == Notice.NEW_LEAD:
            statement = statement.where(leads.c.source.not_in([s.value for s in UNANNOUNCED_SOURCES]))
        return [int(i) for i in run(self._session, statement).scalars()]

    def _set(self, lead_id: int, notice: Notice, channel: DeliveryChannel, **values: Any) -> None:
        run(self._session, update(deliveries).where(_key(lead_id, notice, channel)).values(**values))


def _create_if_missing(session: Session, ids: dict[str, Any], now: datetime) -> Any:
    """A never-claimed (pending, 0 attempts) row unless one exists: INSERT ... ON DUPLICATE KEY UPDATE
    on MySQL and MariaDB (which, unlike INSERT IGNORE, still reports other errors), ON CONFLICT elsewhere."""
    values = {**ids, "state": PENDING, "attempts": 0, "claimed_at": now}
    if session.get_bind().dialect.name in ("mysql", "mariadb"):
        mine = mysql_insert(deliveries).values(values)
        return mine.on_duplicate_key_update(lead_id=deliveries.c.lead_id)
    return sqlite_insert(deliveries).values(values).on_conflict_do_nothing()


def _key(lead_id: int, notice: Notice, channel: DeliveryChannel) -> Any:
    return and_(
        deliveries.c.lead_id == lead_id, deliveries.c.notice == notice.value, deliveries.c.channel == channel.value
    )


class SqlFailedTaskRepository(FailedTaskRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, task: FailedTask) -> FailedTask:
        values = {"task": task.task, "args": task.args, "error": task.error[:4000], "failed_at": task.failed_at}
        result = run(self._session, insert(failed_tasks).values(**values))
        return FailedTask(task.task, task.args, task.error, task.failed_at, id=int(result.inserted_primary_key[0]))

    def get(self, task_id: int) -> FailedTask | None:
        row = run(self._session, select(failed_tasks).where(failed_tasks.c.id == task_id)).first()
        return None if row is None else _to_failed(row)

    def list(self, *, include_retried: bool = False) -> list[FailedTask]:
        statement = select(failed_tasks).order_by(failed_tasks.c.id)
        if not include_retried:
            statement = statement.where(failed_tasks.c.retried_at.is_(None))
        return [_to_failed(r) for r in run(self._session, statement)]

    def mark_retried(self, task_id: int, at: datetime) -> None:
        run(self._session, update(failed_tasks).where(failed_tasks.c.id == task_id).values(retried_at=at))


def _to_failed(row: Any) -> FailedTask:
    return FailedTask(
        row.task, dict(row.args or {}), row.error, row.failed_at, id=int(row.id), retried_at=row.retried_at
    )
