"""The configured pipeline in memory: a replacement waits in the unit of work until it commits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from attrs import define, field

from leadsmanager.application.ports import PipelineRepository
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.pipeline import DEFAULT, Pipeline, StageChange


@define
class PipelineStore:
    pipeline: Pipeline = DEFAULT
    changes: list[StageChange] = field(factory=list)


class MemoryPipelineRepository(PipelineRepository):
    def __init__(self, committed: PipelineStore, leads: Callable[[], dict[int, Lead]]) -> None:
        self._committed = committed
        self._leads = leads
        self.replaced: tuple[Pipeline, StageChange] | None = None

    def get(self) -> Pipeline:
        return self._committed.pipeline if self.replaced is None else self.replaced[0]

    def current(self, *, lock: bool = False) -> Pipeline:
        return self.get()

    def replace(self, pipeline: Pipeline, change: StageChange) -> None:
        self.replaced = (pipeline, change)

    def changes(self) -> list[StageChange]:
        return [*self._committed.changes, *([self.replaced[1]] if self.replaced else [])]

    def leads_by_status(self) -> dict[str, int]:
        return dict(Counter(str(lead.status) for lead in self._leads().values()))

    def lead_ids_in(self, statuses: Sequence[str], *, after_id: int, limit: int) -> list[int]:
        return sorted(i for i, lead in self._leads().items() if lead.status in statuses and i > after_id)[:limit]

    def commit(self) -> None:
        if self.replaced is not None:
            self._committed.pipeline, change = self.replaced
            for lead in self._leads().values():
                lead.status_kind = self._committed.pipeline.kind(lead.status)
            self._committed.changes.append(change)
            self.replaced = None
