"""The configured pipeline in the stages table, and the audit log of its changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from leadsmanager.adapters.sql.errors import run
from leadsmanager.adapters.sql.tables import leads, stage_changes, stages
from leadsmanager.application.ports import PipelineRepository
from leadsmanager.domain.pipeline import DEFAULT, Pipeline, Stage, StageChange, StageKind


class SqlPipelineRepository(PipelineRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self) -> Pipeline:
        rows = run(self._session, select(stages).order_by(stages.c.position, stages.c.key)).all()
        if not rows:  # a database emptied by hand: the pipeline every lead began with
            return DEFAULT
        start = next((r.key for r in rows if r.is_start), rows[0].key)
        return Pipeline(tuple(_to_stage(r._mapping) for r in rows), start)

    def replace(self, pipeline: Pipeline, change: StageChange) -> None:
        run(self._session, delete(stages))
        rows = [_values(stage, start=stage.key == pipeline.start) for stage in pipeline.stages]
        run(self._session, insert(stages), rows)
        run(
            self._session,
            insert(stage_changes).values(at=change.at, actor=change.actor, action=change.action, detail=change.detail),
        )

    def changes(self) -> list[StageChange]:
        c = stage_changes.c
        statement = select(c.at, c.actor, c.action, c.detail).order_by(c.id)
        return [StageChange(*row) for row in run(self._session, statement)]

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
    }
