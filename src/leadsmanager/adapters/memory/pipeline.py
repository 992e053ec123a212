"""The configured pipeline in memory: a replacement waits in the unit of work until it commits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from attrs import define, field

from leadsmanager.application.ports import LeadRepository, PipelineRepository
from leadsmanager.domain.lead import Lead
from leadsmanager.domain.pipeline import DEFAULT, Pipeline, StageChange


@define
class PipelineStore:
    pipeline: Pipeline = DEFAULT
    changes: list[StageChange] = field(factory=list)


class MemoryPipelineRepository(PipelineRepository):
    def __init__(
        self, committed: PipelineStore, leads: Callable[[], dict[int, Lead]], repository: LeadRepository
    ) -> None:
        """`repository`: the unit of work's own, which keeps the leads this one moves until commit."""
        self._committed = committed
        self._leads = leads
        self._repository = repository
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

    def move_leads(self, moves: Mapping[str, str], pipeline: Pipeline, *, at: datetime, batch: int) -> None:
        """Each lead read, moved and saved: the reference the SQL adapter's set-based moves are held to."""
        for lead_id in self.lead_ids_in(sorted(moves), after_id=0, limit=len(self._leads())):
            lead = self._repository.get(lead_id)
            if lead is not None:
                reached = moves.get(lead.stage_reached, lead.stage_reached)
                lead.restage(moves[lead.status], pipeline=pipeline, reached=reached, at=at)
                self._repository.save(lead)

    def commit(self) -> None:
        if self.replaced is not None:
            self._committed.pipeline, change = self.replaced
            for lead in self._leads().values():
                lead.status_kind = self._committed.pipeline.kind(lead.status)
            self._committed.changes.append(change)
            self.replaced = None
