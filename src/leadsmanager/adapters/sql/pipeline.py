"""The configured pipeline in the stages table, and the audit log of its changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.stage_moves import lead_ids_in, move_leads, open_contacts
from leadsmanager.adapters.sql.tables import leads, stage_changes, stages
from leadsmanager.adapters.sql.views.report_rebuild import rebuild
from leadsmanager.application.ports import PipelineRepository
from leadsmanager.domain.pipeline import DEFAULT, Pipeline, Reason, Stage, StageChange, StageKind


class PipelineCache:
    """The configured pipeline as one process last read it. Reading the stages cost every new lead a round
    trip and a quarter of its CPU (bench/README.md), for a table an admin changes a few times a year; so a
    process reads it again after `seconds`, and at once after changing it itself. Another process's change
    reaches this one within `seconds`."""

    def __init__(self, seconds: float = 5.0) -> None:
        self._seconds = seconds
        self._lock = threading.Lock()
        self._held: tuple[float, Pipeline] | None = None

    def get(self) -> Pipeline | None:
        held = self._held
        return held[1] if held is not None and time.monotonic() - held[0] < self._seconds else None

    def keep(self, pipeline: Pipeline) -> None:
        with self._lock:
            self._held = (time.monotonic(), pipeline)

    def forget(self) -> None:
        with self._lock:
            self._held = None


class SqlPipelineRepository(PipelineRepository):
    def __init__(self, session: Session, cache: PipelineCache | None = None) -> None:
        self._session = session
        self._cache = cache or PipelineCache(seconds=0)
        self.replaced = False
        self.moved = False  # leads moved in this transaction, their counts not made again yet

    def committed(self) -> None:
        """After a commit: a pipeline replaced in it is read from the table next, not from what another
        thread of this process may have kept meanwhile."""
        if self.replaced:
            self._cache.forget()

    def get(self) -> Pipeline:
        if (kept := self._cache.get()) is not None:
            return kept
        pipeline = self._read()
        self._cache.keep(pipeline)
        return pipeline

    def current(self, *, lock: bool = False) -> Pipeline:
        return self._read(lock=lock)

    def _read(self, *, lock: bool = False) -> Pipeline:
        statement = select(stages).order_by(stages.c.position, stages.c.key)
        rows = run(self._session, statement.with_for_update() if lock else statement).all()
        if not rows:  # a database emptied by hand: the pipeline every lead began with
            return DEFAULT
        start = next((r.key for r in rows if r.is_start), rows[0].key)
        return Pipeline(tuple(_to_stage(r._mapping) for r in rows), start)

    def replace(self, pipeline: Pipeline, change: StageChange) -> None:
        self._cache.forget()  # and again once committed (the unit of work calls `committed`)
        self.replaced = True
        if self._rekind(pipeline) or self.moved:
            # Counted again from the leads as they now stand, as `db recount-reports` does: once, for
            # both the leads moved and those whose stage changed kind (each count costs seconds at 100,000).
            rebuild(self._session.connection())
            self.moved = False
        run(self._session, delete(stages))
        rows = [_values(stage, start=stage.key == pipeline.start) for stage in pipeline.stages]
        run(self._session, insert(stages), rows)
        run(
            self._session,
            insert(stage_changes).values(
                at=change.at,
                actor=change.actor,
                action=change.action,
                detail=change.detail,
                params=change.params or None,
            ),
        )

    def _rekind(self, pipeline: Pipeline) -> bool:
        """Leads in a stage whose kind changes take the new kind; they stop (or start) counting as open
        contacts. A stage reopened while another open lead holds the same contact is refused (Conflict).
        True when some lead changed kind."""
        before = {key: kind for key, kind in run(self._session, select(stages.c.key, stages.c.kind))}
        c = leads.c
        changed = 0
        for stage in pipeline.stages:
            if before.get(stage.key, StageKind.OPEN.value) == stage.kind.value:
                continue
            values = {"status_kind": stage.kind.value, "version": c.version + 1, **open_contacts(stage)}
            result = run(self._session, update(leads).where(c.status == stage.key).values(values))
            changed += result.rowcount
        return changed > 0

    def changes(self) -> list[StageChange]:
        c = stage_changes.c
        statement = select(c.at, c.actor, c.action, c.detail, c.params).order_by(c.id)
        return [StageChange(r.at, r.actor, r.action, r.detail, r.params or {}) for r in run(self._session, statement)]

    def lead_ids_in(self, statuses: Sequence[str], *, after_id: int, limit: int) -> list[int]:
        return lead_ids_in(self._session, statuses, after_id=after_id, limit=limit)

    def move_leads(self, moves: Mapping[str, str], pipeline: Pipeline, *, at: datetime, batch: int) -> None:
        self.moved = move_leads(self._session, moves, pipeline, at=at, batch=batch) > 0 or self.moved

    def leads_by_status(self) -> dict[str, int]:
        statement = select(leads.c.status, func.count()).group_by(leads.c.status)
        return {status: int(n) for status, n in run(self._session, statement)}


def _to_stage(row: Any) -> Stage:
    return Stage(
        row["key"],
        dict(row["labels"]),
        row["position"],
        StageKind(row["kind"]),
        bool(row["retired"]),
        bool(row["requires_reason"]),
        tuple(Reason(r["key"], dict(r["labels"]), bool(r.get("retired"))) for r in row["reasons"] or ()),
    )


def _values(stage: Stage, *, start: bool) -> dict[str, Any]:
    return {
        "key": stage.key,
        "position": stage.order,
        "kind": stage.kind.value,
        "labels": dict(stage.labels),
        "retired": stage.retired,
        "requires_reason": stage.requires_reason,
        "is_start": start,
        "reasons": [{"key": r.key, "labels": dict(r.labels), "retired": r.retired} for r in stage.reasons],
    }
