"""Queries that find stored data breaking the product's rules, and the raw fixes a Lead cannot make."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import lead_history, leads, stages, users
from leadsmanager.application.job_types import GapScan
from leadsmanager.application.ports import ConsistencyQueries
from leadsmanager.domain.lead import HistoryField
from leadsmanager.domain.pipeline import DEFAULT, StageKind


class SqlConsistencyQueries(ConsistencyQueries):
    def __init__(self, session: Session) -> None:
        self._session = session

    def assigned_to_inactive(self, limit: int) -> list[tuple[int, int]]:
        statement = (
            select(leads.c.id, leads.c.assignee_id)
            .join(users, users.c.id == leads.c.assignee_id)
            .where(users.c.active.is_(False), leads.c.status_kind == StageKind.OPEN.value)
            .order_by(leads.c.id)
            .limit(limit)
        )
        return [(int(a), int(b)) for a, b in run(self._session, statement)]

    def unknown_statuses(self, limit: int) -> list[tuple[int, str]]:
        # MariaDB's collation would call 'NEW ' equal to 'new'; the product reads them as different.
        exact = leads.c.status if self._session.get_bind().dialect.name == "sqlite" else func.binary(leads.c.status)
        statement = select(leads.c.id, leads.c.status).where(exact.not_in(self._known())).order_by(leads.c.id)
        return [(int(i), str(s)) for i, s in run(self._session, statement.limit(limit))]

    def status_history_gaps(self, after_id: int, limit: int) -> GapScan:
        batch = select(leads.c.id, leads.c.status).where(leads.c.id > after_id).order_by(leads.c.id).limit(limit)
        rows = run(self._session, batch).all()
        if not rows:
            return GapScan([], 0, None)
        first, last = rows[0].id, rows[-1].id
        # The newest status entry of each lead in the batch: one grouped pass over the history index.
        newest = (
            select(lead_history.c.lead_id, func.max(lead_history.c.id).label("id"))
            .where(lead_history.c.lead_id.between(first, last), lead_history.c.field == HistoryField.STATUS.value)
            .group_by(lead_history.c.lead_id)
            .subquery()
        )
        recorded_rows = run(
            self._session,
            select(newest.c.lead_id, lead_history.c.new).join(lead_history, lead_history.c.id == newest.c.id),
        )
        recorded = {int(i): n for i, n in recorded_rows}
        gaps = [(int(r.id), str(r.status), recorded.get(r.id)) for r in rows if recorded.get(r.id) != r.status]
        return GapScan(gaps, len(rows), int(last) if len(rows) == limit else None)

    def record_status_correction(self, lead_id: int, recorded: str | None, current: str, *, at: datetime) -> None:
        entry = {
            "lead_id": lead_id,
            "field": HistoryField.STATUS.value,
            "old": recorded,
            "new": current,
            "actor_id": None,
            "at": at,
        }
        run(self._session, insert(lead_history).values(**entry))

    def set_unknown_status(self, lead_id: int, status: str, *, at: datetime) -> None:
        query = select(leads.c.status, leads.c.email, leads.c.phone).where(leads.c.id == lead_id).with_for_update()
        row = run(self._session, query).first()
        if row is None or row.status in self._known():
            return
        changes: dict[str, Any] = {"status": status, "status_kind": "open", "updated_at": at}
        changes["version"] = leads.c.version + 1
        # The contact joins the open-lead keys (the starting stage is open) unless another open lead holds them.
        changes["open_email"] = row.email if row.email and not self._held(leads.c.open_email, row.email) else None
        changes["open_phone"] = row.phone if row.phone and not self._held(leads.c.open_phone, row.phone) else None
        run(self._session, update(leads).where(leads.c.id == lead_id).values(**changes))
        self.record_status_correction(lead_id, row.status, status, at=at)

    def _known(self) -> list[str]:
        """The configured pipeline's keys (the default's in a database whose stages were emptied by hand)."""
        return list(run(self._session, select(stages.c.key)).scalars()) or DEFAULT.keys

    def _held(self, column: Any, value: str) -> bool:
        return run(self._session, select(leads.c.id).where(column == value).limit(1)).first() is not None
